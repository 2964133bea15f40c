"""Stores a run: a compact copy that outlives the machine (neuralgpu/runs/stored.py says what
it holds), to publish a model or to carry a long run to another machine.

    python -m experiments.store --workdir=WORKDIR --dest=results/NAME
    python -m experiments.store --workdir=WORKDIR --dest=parked/NAME --training_state

The first keeps the best checkpoint's weights, the config, the metrics and the
evaluations; the second also the latest checkpoint whole, which
`python run.py --resume_from=parked/NAME --workdir=NEW` trains on from. Storing again
into the same DEST replaces it. `--check=DIR` checks a stored run against its manifest;
`--add_evaluations=DIR` adds the evaluations made of it since.
"""
import dataclasses
from pathlib import Path

from absl import flags

from experiments import presets
from neuralgpu import cli
from neuralgpu.runs import stored
from neuralgpu.runs import workdir as workdirs


flags.DEFINE_string('workdir', None, 'The run to store (a training workdir).')
flags.DEFINE_string('dest', None, 'Where to store it: a new or empty directory, or a '
                    'stored run to replace.')
flags.DEFINE_bool('training_state', False, 'Also store the latest checkpoint whole '
                  '(optimizer, rate, curriculum), to train on elsewhere.')
flags.DEFINE_string('trained_by', '', 'The commit of the code that trained the run, for '
                    'a run from before its workdir recorded it (sessions.jsonl).')
flags.DEFINE_string('preset', '', 'The preset the run was trained with, checked against '
                    'its settings and named in the manifest (the results table shows it).')
flags.DEFINE_string('add_evaluations', None, 'Add to this stored run the evaluations made '
                    'of it since (python run.py --mode=eval --workdir=DIR writes them to '
                    'workdirs/stored/NAME) that it does not hold yet.')
flags.DEFINE_string('check', None, 'Only check this stored run against its manifest.')
FLAGS = flags.FLAGS
PROGRAM = 'experiments.store'


def check_preset(workdir: Path, name: str) -> None:
  """ValueError unless the run in workdir has the settings of preset `name` (with its
  seed; settings that only steer a run, like --max_steps, aside). A run begun with
  --start_from from a stored model of the preset's --start_from_preset, of its seed, has
  the preset's first stage, its best or its final weights (--start_from_checkpoint: the
  manifest says which)."""
  if not (workdir / 'config.json').is_file():
    raise ValueError(f'{workdir} holds no training run (no config.json)')
  config = workdirs.read_config(workdir / 'config.json')
  preset = presets.config(name, {'seed': config.seed})
  if started_from_stored_stage(config, preset):
    preset = dataclasses.replace(preset, start_from=config.start_from, start_from_preset='',
                                 start_from_checkpoint=config.start_from_checkpoint)
  differ = preset.differences(config)
  if differ:
    hint = ('' if not preset.start_from_preset else
            f' (--start_from may be a stored run of --preset={preset.start_from_preset} '
            'with the same seed instead)')
    raise ValueError(f'--preset={name}: the run in {workdir} differs from it: '
                     f'{"; ".join(differ)}{hint}')


def started_from_stored_stage(config, preset) -> bool:
  """Whether the run began (--start_from) from a stored model of the preset's stage before
  (--start_from_preset), of the same seed: as good as that stage trained in start/."""
  if not (config.start_from and preset.start_from_preset and
          stored.is_stored(Path(config.start_from))):
    return False
  stage = workdirs.read_config(Path(config.start_from) / 'config.json')
  return (stored.manifest(Path(config.start_from))['preset'], stage.seed) == (
      preset.start_from_preset, config.seed)


def main():
  if FLAGS.add_evaluations:
    path = Path(FLAGS.add_evaluations)
    if not stored.is_stored(path):
      cli.fail(PROGRAM, f'--add_evaluations={path} is not a stored run (no '
               f'{stored.MANIFEST})')
    try:
      added = stored.add_evaluations(path)
    except stored.DamagedStore as error:
      cli.fail(PROGRAM, str(error))
    print(f'{path}: added {", ".join(added)}' if added else
          f'{path}: no evaluation in {stored.output_dir(path)} that it does not hold')
    return
  if FLAGS.check:
    if not stored.is_stored(Path(FLAGS.check)):
      cli.fail(PROGRAM, f'--check={FLAGS.check} is not a stored run (no {stored.MANIFEST})')
    try:
      listed = stored.manifest(Path(FLAGS.check))
    except stored.DamagedStore as error:
      cli.fail(PROGRAM, str(error))
    print(f'{FLAGS.check}: all {len(listed["files"])} files match {stored.MANIFEST}')
    return
  if not FLAGS.workdir or not FLAGS.dest:
    cli.fail(PROGRAM, 'give --workdir=WORKDIR and --dest=DIR (or --check=DIR)')
  cli.import_tensorflow_quietly()
  try:
    if FLAGS.preset:
      check_preset(Path(FLAGS.workdir), FLAGS.preset)
    listed = stored.store(Path(FLAGS.workdir), Path(FLAGS.dest), FLAGS.training_state,
                          FLAGS.trained_by, FLAGS.preset)
  except ValueError as error:
    cli.fail(PROGRAM, str(error))
  size = sum(f['bytes'] for f in listed['files'].values())
  print(f'stored {FLAGS.workdir} into {FLAGS.dest}: {describe(listed)}; '
        f'{len(listed["files"])} files, {size / 1e6:.2f} MB')


def describe(listed: dict) -> str:
  """What a manifest holds: the steps of the best and latest checkpoints, by stage, the
  stages before (in start/, start/start/ ...) first."""
  parts, depth = [], 0
  while listed:
    where = f'{"start/" * depth}: ' if depth else ''
    held = []
    if listed['best_step'] is not None:
      held.append(f'{where}best checkpoint of step {listed["best_step"]}')
    if listed.get('latest_step') is not None:
      held.append(f'{where}training state at step {listed["latest_step"]}')
    parts[:0] = held
    listed, depth = listed.get('first_stage'), depth + 1
  return ', '.join(parts)

if __name__ == '__main__':
  cli.run(PROGRAM, main)
