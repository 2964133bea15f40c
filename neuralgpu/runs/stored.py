"""A stored run: a compact, self-checking copy of a run that outlives its machine.

    DEST/manifest.json    every file below with its size and SHA-256, the commits of the
                          code that trained the run, its best and latest steps
    DEST/config.json, metrics.jsonl, sessions.jsonl, eval*/   as in the workdir
    DEST/best/            the best checkpoint: weights and step only (no optimizer)
    DEST/start/           a two-stage run's first stage, stored the same way

With the training state (store(..., training_state=True)), best/ is kept whole and
DEST/checkpoints/ holds the latest checkpoint whole (weights, optimizer slots, rate,
curriculum, the averaged weights; the data and the dropout replay by seed and step), so
that `run.py --resume_from=DEST` trains on in another workdir, on another machine.

A stored run is read like a workdir (its layout is one), but never written: what reading
it makes (evaluations, traces, drawings) goes to output_dir(DEST).
"""
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from neuralgpu import faults
from neuralgpu.training.sessions import SESSIONS, trained_by_commits


MANIFEST = 'manifest.json'
FORMAT = 1
STORED_OUTPUTS = Path('workdirs') / 'stored'  # where reading a stored run writes
# A run's checkpoints as --checkpoint names them: the best in best/, the latest three in
# checkpoints/, each directory's index file ('checkpoint') naming its newest.
CHECKPOINT_DIRS = {'best': 'best', 'latest': 'checkpoints'}


class DamagedStore(ValueError):
  """A stored run whose files do not match its manifest."""


def checkpoint_index(run: Path, which: str = 'best') -> Path:
  """The index file of the run's best (which='latest': latest) checkpoint; it exists once
  the run has one."""
  return Path(run) / CHECKPOINT_DIRS[which] / 'checkpoint'


def is_stored(path: Path) -> bool:
  return (Path(path) / MANIFEST).is_file()


def output_dir(run: Path) -> Path:
  """Where reading the run in `run` writes: the workdir itself, or for a stored run
  workdirs/stored/NAME (relative to the current directory)."""
  return STORED_OUTPUTS / Path(run).resolve().name if is_stored(run) else Path(run)


def manifest(path: Path) -> dict:
  """The checked manifest of the stored run in path; DamagedStore, in one line, if a
  file it lists is missing or differs."""
  path = Path(path)
  try:
    listed = json.loads((path / MANIFEST).read_text())
    files = listed['files']
  except (OSError, ValueError, KeyError, TypeError) as error:
    raise DamagedStore(f'{path}/{MANIFEST} cannot be read ({error}); store the run again '
                       'or fetch the stored run whole') from None
  if listed.get('format') != FORMAT:
    raise DamagedStore(f'{path} is a stored run of format {listed.get("format")!r}; this '
                       f'code reads format {FORMAT}')
  for name, expected in files.items():
    file = path / name
    if not file.is_file():
      raise DamagedStore(f'{path} is incomplete: {name} is missing (listed in {MANIFEST}); '
                         'fetch the stored run whole')
    size = file.stat().st_size
    if size != expected['bytes']:
      pointer = ' (a Git LFS pointer? run git lfs pull)' if size < 200 else ''
      raise DamagedStore(f'{path} is damaged: {name} has {size:,} bytes, {MANIFEST} lists '
                         f'{expected["bytes"]:,}{pointer}; fetch the stored run whole')
    if _sha256(file) != expected['sha256']:
      raise DamagedStore(f'{path} is damaged: {name} differs from the SHA-256 in '
                         f'{MANIFEST}; fetch the stored run whole')
  return listed


def differences(result: dict, saved: dict, shown: int = 3) -> list[str]:
  """Where an evaluation differs from the one saved in a stored run's results.json (the
  first `shown` places): empty if it reproduces it exactly."""
  found = []
  if result['checkpoint_step'] != saved['checkpoint_step']:
    found.append(f'checkpoint step {result["checkpoint_step"]}, stored '
                 f'{saved["checkpoint_step"]}')
  for row, old in zip(result['lengths'], saved['lengths']):
    pairs = [('random', row, old)] + [(suite, row['suites'].get(suite), scores)
                                      for suite, scores in old['suites'].items()]
    for name, new_scores, old_scores in pairs:
      if new_scores is None or any(new_scores.get(k) != v for k, v in old_scores.items()
                                   if k not in ('suites', 'failures')) or (
                                       not _same_failures(new_scores, old_scores)):
        found.append(f'length {old["length"]} {name}: {_score(new_scores)}, stored '
                     f'{_score(old_scores)}')
  return found[:shown]


def _same_failures(new: dict, old: dict) -> bool:
  """Whether the wrong answers are the same: evaluations written before every one was
  kept hold the first three, which the new ones must begin with."""
  return new['failures'][:len(old['failures'])] == old['failures']


def _score(scores) -> str:
  if scores is None:
    return 'not evaluated'
  return (f'{scores["sequences_correct"]}/{scores["examples"]} right, '
          f'{100 * scores["symbol_accuracy"]:.4f}% of the symbols')


def same_commit(a: str, b: str) -> bool:
  """Whether two commits as sessions.jsonl names them ('a1bbdc7e2f', perhaps ' with
  uncommitted changes' after it) are one, either hash perhaps abbreviated (a1bbdc7)."""
  (hash_a, _, rest_a), (hash_b, _, rest_b) = a.partition(' '), b.partition(' ')
  return rest_a == rest_b and (hash_a.startswith(hash_b) or hash_b.startswith(hash_a))


def store(workdir: Path, dest: Path, training_state: bool = False,
          trained_by: str = '', preset: str = '') -> dict:
  """Stores the run in workdir into dest (replacing a stored run there) and returns the
  manifest, which names the preset whose settings it has, if given. ValueError, with
  nothing written, if workdir holds no run to store, if dest holds something else than a
  stored run, or if no commit of the training code is known (sessions.jsonl, or
  trained_by)."""
  workdir, dest = Path(workdir), Path(dest)
  if not (workdir / 'config.json').is_file():
    raise ValueError(f'{workdir} holds no training run (no config.json); give the workdir '
                     'of a run')
  if is_stored(workdir):
    raise ValueError(f'{workdir} is a stored run already; copy the directory to move it')
  if dest.exists() and not (dest.is_dir() and (is_stored(dest) or not any(dest.iterdir()))):
    raise ValueError(f'{dest} exists and is not a stored run or an empty directory; give '
                     'a new directory')
  if training_state and not any(_training(stage) for stage in stage_dirs(workdir)):
    raise ValueError(f'{workdir} has no checkpoint yet to store as its training state (the '
                     'first is saved at step 0: wait for it)')
  if not training_state and not checkpoint_index(workdir).is_file():
    raise ValueError(f'{workdir} has no best checkpoint yet (the first is saved at the first '
                     'validation); store its training state with --training_state')
  commits = [trained_by] if trained_by else []
  before = started_from(workdir)
  for found in [before.get('started_from', {}).get('trained_by_commits', []),
                *map(trained_by_commits, stage_dirs(workdir))]:
    commits += [c for c in found if not any(same_commit(c, listed) for listed in commits)]
  if not commits:
    raise ValueError(f'{workdir} records no commit of the code that trained it (a run '
                     f'from before {SESSIONS}); give it, e.g. --trained_by=a1bbdc7')
  temporary = dest.with_name(dest.name + '.storing')
  shutil.rmtree(temporary, ignore_errors=True)
  temporary.mkdir(parents=True)
  try:
    steps = _copy_run(workdir, temporary, training_state)
    files = {str(p.relative_to(temporary)): {'bytes': p.stat().st_size,
                                            'sha256': _sha256(p)}
             for p in sorted(temporary.rglob('*')) if p.is_file()}
    listed = {'format': FORMAT, 'preset': preset, 'stored_from': str(workdir.resolve()),
              'stored_at': time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
              'trained_by_commits': commits, 'training_state': training_state,
              **steps, **before, 'files': files}
    (temporary / MANIFEST).write_text(json.dumps(listed, indent=1) + '\n')
  except BaseException:
    shutil.rmtree(temporary, ignore_errors=True)
    raise
  if dest.exists():
    shutil.rmtree(dest)
  os.replace(temporary, dest)
  return listed


def stage_dirs(workdir: Path) -> list[Path]:
  """The workdirs of a run's stages, earliest first: ..., start/start, start, itself."""
  stages = [workdir]
  while (stages[0] / 'start' / 'config.json').is_file():
    stages.insert(0, stages[0] / 'start')
  return stages


def started_from(workdir: Path) -> dict:
  """For a run begun (--start_from) from a stored run: {'started_from': where, which of
  its checkpoints, its preset and how it trained, its stages before included}, so that
  the stored run says how far its model trained in all; else {}."""
  config = json.loads((workdir / 'config.json').read_text())
  source = config.get('start_from', '')
  if not (source and is_stored(Path(source))):
    return {}
  before = manifest(Path(source))
  return {'started_from': {
      'path': source, 'checkpoint': config.get('start_from_checkpoint', 'best'),
      **{key: before[key] for key in ('preset', 'trained_by_commits', 'best_step',
                                      'latest_step', 'trained', 'first_stage', 'started_from')
         if key in before}}}


def add_evaluations(path: Path) -> list[str]:
  """Adds to the stored run in path the evaluations made of it since (in output_dir:
  --mode=eval writes there) that it does not hold yet, and lists them in its manifest;
  returns their names. DamagedStore if the stored run does not match its manifest."""
  path = Path(path)
  listed = manifest(path)
  added = [e for e in sorted(output_dir(path).glob('eval*/results.json'))
           if not (path / e.parent.name).exists()]
  for result in added:
    shutil.copytree(result.parent, path / result.parent.name)
    for file in sorted((path / result.parent.name).rglob('*')):
      if file.is_file():
        listed['files'][str(file.relative_to(path))] = {'bytes': file.stat().st_size,
                                                        'sha256': _sha256(file)}
  faults.write_whole(path / MANIFEST, json.dumps(listed, indent=1) + '\n')
  return [result.parent.name for result in added]


def _copy_run(workdir: Path, dest: Path, training_state: bool) -> dict:
  """Copies what a stored run keeps of workdir, and of its first stage in start/;
  returns its best and latest steps (None where it has none yet)."""
  dest.mkdir(exist_ok=True)
  # The checkpoints before the log: a run that is training only adds to its log, so
  # the log copied holds every record up to the checkpoint (a resume cuts the rest).
  steps = {'best_step': None, 'latest_step': None, 'trained': trained_summary(workdir)}
  if training_state and _training(workdir):
    latest = CHECKPOINT_DIRS['latest']
    steps['latest_step'] = _copy_checkpoint(workdir / latest, dest / latest)
  if checkpoint_index(workdir).is_file():
    steps['best_step'] = _best_weights(workdir, dest / CHECKPOINT_DIRS['best'],
                                       whole=training_state)
  for name in ('config.json', SESSIONS):
    if (workdir / name).is_file():
      shutil.copy2(workdir / name, dest / name)
  if (workdir / 'metrics.jsonl').is_file():
    text = (workdir / 'metrics.jsonl').read_bytes()  # whole lines: one may be half written
    (dest / 'metrics.jsonl').write_bytes(text[:text.rfind(b'\n') + 1])
  for evaluation in sorted(workdir.glob('eval*')):
    if evaluation.is_dir():
      shutil.copytree(evaluation, dest / evaluation.name)
  if (workdir / 'start' / 'config.json').is_file():
    # The first stage trains on only while this run has no checkpoint of its own.
    steps['first_stage'] = _copy_run(workdir / 'start', dest / 'start',
                                     training_state and not _training(workdir))
  return steps


def trained_summary(run: Path) -> dict:
  """How far the run in run (a workdir or a stored run) trained, from its latest
  checkpoint: steps, why it stopped, the curriculum length reached, training wall time
  over every session. Empty for a stored run of a run that had no checkpoint."""
  if is_stored(run):
    return manifest(run)['trained']
  import tensorflow as tf  # pylint: disable=import-outside-toplevel

  from neuralgpu.training.train_state import WHY_FINISHED  # pylint: disable=import-outside-toplevel
  latest = tf.train.latest_checkpoint(str(Path(run) / CHECKPOINT_DIRS['latest']))
  if not latest:
    return {}
  reader = tf.train.load_checkpoint(latest)
  value = lambda name: reader.get_tensor(f'state/{name}/.ATTRIBUTES/VARIABLE_VALUE')
  steps = int(value('step'))
  budget = json.loads((Path(run) / 'config.json').read_text())['max_steps']
  return {'steps': steps,
          'stopped': WHY_FINISHED.get(int(value('finished')),
                                      'step budget' if steps >= budget else 'not yet'),
          'curriculum_length': int(value('curriculum_length')),
          'train_seconds': round(float(value('seconds')), 1)}


def _training(workdir: Path) -> bool:
  """Whether workdir has a latest checkpoint to resume from."""
  return checkpoint_index(workdir, 'latest').is_file()


def _best_weights(workdir: Path, dest: Path, whole: bool) -> int:
  """The best checkpoint into dest: whole, or its weights and step only; its step."""
  if whole:
    return _copy_checkpoint(workdir / CHECKPOINT_DIRS['best'], dest)
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  from neuralgpu.runs import workdir as workdirs  # pylint: disable=import-outside-toplevel
  from neuralgpu.training import checkpoints  # pylint: disable=import-outside-toplevel
  from neuralgpu.training.train_state import TrainState  # pylint: disable=import-outside-toplevel
  config = workdirs.load_config(workdir)
  model, step = checkpoints.best_model(config, workdir)
  state = TrainState(config, config.min_length, len(model.extras))
  state.step.assign(step)
  tf.train.CheckpointManager(tf.train.Checkpoint(model=model, state=state), dest,
                             1).save(checkpoint_number=step)
  return step


def _copy_checkpoint(source: Path, dest: Path) -> int:
  """The newest checkpoint in source copied into dest, with a `checkpoint` file naming
  it; its step. Copies again if the run replaced it meanwhile."""
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  for _ in range(3):
    path = Path(tf.train.latest_checkpoint(str(source)))
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    try:
      for file in source.glob(path.name + '.*'):
        shutil.copy2(file, dest / file.name)
    except FileNotFoundError:
      continue  # deleted by the run's next save: take that one
    # With a timestamp after the last preserved one, or a CheckpointManager ignores it.
    now = time.time()
    (dest / 'checkpoint').write_text(
        f'model_checkpoint_path: "{path.name}"\nall_model_checkpoint_paths: "{path.name}"\n'
        f'all_model_checkpoint_timestamps: {now:.6f}\nlast_preserved_timestamp: {now - 1:.6f}\n')
    return int(path.name.rpartition('-')[2])
  raise ValueError(f'{source}: the checkpoints changed while they were copied; try again')


def resume_into(source: Path, workdir: Path) -> None:
  """Copies the training state of the stored run in source into the new workdir, as the
  workdir of the run it was stored from; ValueError if source has none."""
  listed = manifest(source)
  if not listed.get('training_state'):
    raise ValueError(f'--resume_from={source} holds no training state (it was stored '
                     'without --training_state): it can be evaluated, not trained on')
  workdir.mkdir(parents=True, exist_ok=True)
  for name in listed['files']:
    if not name.startswith('eval'):
      (workdir / name).parent.mkdir(parents=True, exist_ok=True)
      shutil.copy2(source / name, workdir / name)
  # The commits that trained it before it recorded them (store's trained_by) stay known.
  known = trained_by_commits(workdir)
  earlier = [{'commit': c, 'uncommitted_changes': False, 'from_step': None,
              'started': f'before {listed["stored_at"]}, named when stored'}
             for c in listed['trained_by_commits'] if c not in known]
  if earlier:
    sessions = workdir / SESSIONS
    text = sessions.read_text() if sessions.is_file() else ''
    sessions.write_text(''.join(json.dumps(r) + '\n' for r in earlier) + text)


def _sha256(path: Path) -> str:
  digest = hashlib.sha256()
  with open(path, 'rb') as f:
    for block in iter(lambda: f.read(1 << 20), b''):
      digest.update(block)
  return digest.hexdigest()
