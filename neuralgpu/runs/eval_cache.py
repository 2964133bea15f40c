"""Where a run's evaluations are written, and the one rule for when a saved one still
holds: it is of the run's current best checkpoint (its step), at the asked lengths with
the asked number of examples and steps (--eval_step_factor). Used by --mode=eval, the comparison and the sweep; needs
no TensorFlow (the best step is read from the checkpoint's index file)."""
import json
import re
from pathlib import Path

from neuralgpu import lengths
from neuralgpu.runs import stored
from neuralgpu.runs import workdir as workdirs


def names_step_factor(factor: float, own_factor: float) -> bool:
  """Whether an evaluation's name and command give its --eval_step_factor: unless it and
  the run's own are both 1, so that 1 on a run set to more steps is never taken for the
  run's default, nor the default for 1."""
  return factor != 1 or own_factor != 1


def eval_name(workdir: Path, at_lengths, count: int, suites: bool = True,
              step_factor: float = 1.0, checkpoint: str = 'best') -> str:
  """The directory an evaluation of the run in workdir is written to, by what it holds:
  eval for the run's own (its lengths, examples and steps, its best checkpoint, with the
  suites: what training's end writes and the sweep reads), else
  eval_lengths=L,M_examples=N (and _suites=false, _step_factor=F, _checkpoint=latest),
  so that asking for others never replaces it or one with the suites."""
  own = workdirs.load_config(workdir)
  if (lengths.to_report(own) == list(at_lengths) and own.eval_examples == count and suites
      and own.eval_step_factor == step_factor and checkpoint == 'best'):
    return 'eval'
  return (f'eval_lengths={",".join(map(str, at_lengths))}_examples={count}' +
          ('' if suites else '_suites=false') +
          (f'_step_factor={step_factor:g}'
           if names_step_factor(step_factor, own.eval_step_factor) else '') +
          ('' if checkpoint == 'best' else f'_checkpoint={checkpoint}'))


def eval_dir(workdir: Path, at_lengths, count: int, suites: bool = True,
             step_factor: float = 1.0, checkpoint: str = 'best') -> Path:
  """Where an evaluation of the run in workdir is written: in the workdir, or for a
  stored run (which is never written) under its stored.output_dir."""
  return stored.output_dir(workdir) / eval_name(workdir, at_lengths, count, suites,
                                                step_factor, checkpoint)


def best_step(workdir: Path, checkpoint: str = 'best') -> int | None:
  """The step of the run's best checkpoint (checkpoint='latest': of its latest; a
  CheckpointManager names them ckpt-STEP), or None if it has none."""
  index = stored.checkpoint_index(workdir, checkpoint)
  found = re.search(r'^model_checkpoint_path: ".*?(\d+)"', index.read_text(), re.M) \
      if index.is_file() else None
  return int(found.group(1)) if found else None


def saved(workdir: Path, at_lengths, count: int, suites: bool,
          step_factor: float = 1.0, checkpoint: str = 'best') -> dict | None:
  """A saved evaluation that still holds (in the run's own directory, e.g. a stored
  run's, or where reading it writes), with the suites if asked for; else None."""
  step = best_step(workdir, checkpoint)
  if step is None:
    return None
  for with_suites in (True, False) if not suites else (True,):
    name = eval_name(workdir, at_lengths, count, with_suites, step_factor, checkpoint)
    for path in (Path(workdir) / name / 'results.json',
                 eval_dir(workdir, at_lengths, count, with_suites, step_factor, checkpoint)
                 / 'results.json'):
      if path.is_file():
        result = json.loads(path.read_text())
        if (result.get('checkpoint_step') == step and
            result.get('config', {}).get('eval_step_factor', 1.0) == step_factor and
            [(row['length'], row['examples']) for row in result['lengths']] ==
            [(length, count) for length in at_lengths]):
          return result
  return None
