"""What a probe of a trained model (experiments.carry_reach, experiments.small_operands)
found, kept beside --mode=eval's evaluations so that a published model holds it and
docs/results.md is made from it:

    OUTPUT/eval_PROBE_FLAG=VALUE_.../results.json

where OUTPUT is the workdir, or for a stored run workdirs/stored/NAME (a stored run is
never written; python -m experiments.store --add_evaluations=DIR adds the file to it).
Each row is one question at one length: how many of its inputs were right, of how many.
Run again on a stored run that holds the same probe, it says whether it found the same.
"""
import json
from pathlib import Path

from absl import flags

from neuralgpu import faults
from neuralgpu.runs import eval_cache, stored
from neuralgpu.runs import workdir as workdirs


PREFIX = 'eval_'  # stored.add_evaluations and stored runs' copies take eval* directories


def directory_name(probe: str, flags: dict) -> str:
  """eval_carry_reach_lengths=401: the probe and the flags it was run with, in order."""
  return PREFIX + '_'.join([probe] + [f'{name}={value}' for name, value in flags.items()])


def define_step_factor_flag():
  """The probes' --eval_step_factor (step_factor_flag records the factor used)."""
  flags.DEFINE_float('eval_step_factor', None, "Recurrent steps as a multiple of the "
                     "input's length (the Neural GPU and the DNGPU), as run.py --mode=eval "
                     "takes it; by default the run's own --eval_step_factor.")


def step_factor_flag(run) -> dict:
  """The flags' entry for the --eval_step_factor a probe of run (api.load's) answered
  with: none where it and the run's own are 1 (eval_cache.names_step_factor), so that a
  probe with more steps is written and labelled apart and its command runs it again."""
  factor = run.config.eval_step_factor
  own = workdirs.load_config(run.workdir).eval_step_factor
  return ({'eval_step_factor': f'{factor:g}'} if eval_cache.names_step_factor(factor, own)
          else {})


def command(probe: str, workdir, flags: dict) -> str:
  """The command that runs the probe again with the same flags."""
  return ' '.join([f'python -m experiments.{probe} --workdir={workdir}'] +
                  [f'--{name}={value}' for name, value in flags.items()])


def is_probe(result: dict) -> bool:
  return 'probe' in result


def labelled_rows(result: dict) -> list[dict]:
  """The rows of a probe's result, each question followed by ', 2x steps' where it ran
  with more recurrent steps, so that they stand apart from the same questions without."""
  factor = result['flags'].get('eval_step_factor')
  note = f', {factor}x steps' if factor else ''
  return [{**row, 'question': row['question'] + note} for row in result['rows']]


def write(workdir, probe: str, flags: dict, step: int, seconds: float,
          rows: list[dict]) -> str:
  """Writes the probe's results.json for the run in workdir; returns a line saying
  where, and, for a stored run that holds the same probe, whether its rows are the
  stored ones."""
  result = {'probe': probe, 'flags': flags, 'checkpoint_step': step,
            'seconds': round(seconds, 1), 'rows': rows}
  name = directory_name(probe, flags)
  path = stored.output_dir(workdir) / name / 'results.json'
  path.parent.mkdir(parents=True, exist_ok=True)
  faults.write_whole(path, json.dumps(result, indent=1) + '\n')
  said = f'written to {path}'
  held = Path(workdir) / name / 'results.json'
  if stored.is_stored(workdir) and held.is_file():
    saved = json.loads(held.read_text())
    same = (saved['checkpoint_step'], saved['rows']) == (step, rows)
    said += (f'; reproduces the stored {held} exactly' if same else
             f'; DIFFERS from the stored {held}')
  return said
