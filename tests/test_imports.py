"""--imports: user code registers tasks and presets for every entry point."""
import json
import re
import subprocess
import sys

import pytest
from support import ROOT, our_stderr_lines

pytestmark = pytest.mark.slow


USER_CODE = '''
import numpy as np

import tasks
from experiments import presets
from tasks.sequences import SequenceTask


class RunningParity(SequenceTask):
  def __init__(self, name):
    super().__init__(name, alphabet='01')

  def targets(self, inputs):
    bits = self.check_symbols(inputs) - 1
    return (np.cumsum(bits, axis=1) % 2 + 1).astype(np.int32)


tasks.register(RunningParity('parity'))


@presets.preset
def parity_smoke():
  """Running parity in a few steps."""
  return dict(task='parity', maps=8, max_length=9, max_steps=4, eval_every=2, log_every=2,
              probe_every=2, eval_examples=4)
'''


def command(*args, cwd):
  return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                        cwd=cwd, timeout=600)


def test_a_users_task_and_preset_reach_run_py_its_modes_and_the_sweep(tmp_path):
  (tmp_path / 'my_tasks.py').write_text(USER_CODE)
  listed = command(ROOT / 'run.py', '--experiment=list', '--imports=my_tasks.py', cwd=tmp_path)
  assert re.search(r'^parity_smoke +Running parity in a few steps\.$', listed.stdout, re.M), (
      listed.stderr)
  workdir = tmp_path / 'run'
  trained = command(ROOT / 'run.py', '--imports=my_tasks.py', '--experiment=parity_smoke',
                    f'--workdir={workdir}', cwd=tmp_path)
  assert trained.returncode == 0, trained.stderr[-2000:]
  saved = json.loads((workdir / 'config.json').read_text())
  assert saved['imports'] == str(tmp_path / 'my_tasks.py')  # found from anywhere
  # Reading the run needs no --imports: the run names its modules.
  decoded = command(ROOT / 'run.py', '--mode=decode', f'--workdir={workdir}', '--input=0110',
                    cwd=ROOT)
  assert decoded.returncode == 0, decoded.stderr[-2000:]
  assert 'true:   0100' in decoded.stdout
  # A module name is found from the current directory, by the sweep and by its runs.
  swept = command('-m', 'experiments.sweep', '--imports=my_tasks', '--experiment=parity_smoke',
                  '--seeds=0', f'--root={tmp_path / "sweep"}', cwd=tmp_path)
  assert swept.returncode == 0, swept.stderr[-2000:]
  assert (tmp_path / 'sweep' / 'parity_smoke_seed0' / 'eval' / 'results.json').is_file()


def test_modules_that_cannot_be_imported_are_refused_in_one_line(tmp_path):
  (tmp_path / 'broken.py').write_text('raise RuntimeError("half-written")\n')
  # An error inside the user's code, raised by ours: reported as the module's, with its line.
  (tmp_path / 'bad_task.py').write_text(
      'import operator, tasks\n'
      'tasks.register(tasks.TwoOperandTask("bsub", 2, "-", operator.sub))\n')
  found = ['give module names', 'or .py files, comma-separated']
  for spec, words in (('no_such_module', ['no_such_module', 'No module named', *found]),
                      ('broken.py', ['broken.py line 1 raised RuntimeError: half-written']),
                      ('bad_task.py', ['bad_task.py line 2 raised ValueError: bsub: 0-1 gives '
                                       '-1', 'larger_first']),
                      ('missing.py', ['missing.py', 'no file', *found])):
    result = command(ROOT / 'run.py', f'--imports={spec}', '--experiment=smoke',
                     f'--workdir={tmp_path / "w"}', cwd=tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr[-2000:]
    assert all(word in lines[0] for word in ['--imports', *words]), lines[0]
  assert not (tmp_path / 'w').exists()


def test_an_unknown_task_names_the_valid_ones_and_imports(tmp_path):
  result = command(ROOT / 'run.py', '--task=bxor', '--experiment=smoke',
                   f'--workdir={tmp_path / "w"}', cwd=tmp_path)
  lines = result.stderr.strip().splitlines()
  assert result.returncode == 2 and len(lines) == 1, result.stderr[-2000:]
  assert all(word in lines[0] for word in ["unknown task 'bxor'", 'badd, bmul', '--imports'])
  assert not (tmp_path / 'w').exists()


USER_MODEL = '''
import tensorflow as tf

from neuralgpu import model_registry
from neuralgpu.models.base import Model


class PerPosition(Model):
  """Each output symbol from its input symbol alone: enough to copy."""

  def __init__(self, config, vocab_size):
    super().__init__()
    self.table = tf.Variable(tf.zeros([vocab_size, vocab_size]))

  def __call__(self, inputs, training=False, seed=None, targets=None):
    return tf.gather(self.table, inputs), {}


model_registry.register('per_position', model_registry.ModelKind(
    builder=PerPosition, summary='each output symbol from its input symbol alone.'))
'''


def test_a_users_model_is_trained_evaluated_and_decoded_through_imports(tmp_path):
  (tmp_path / 'my_model.py').write_text(USER_MODEL)
  workdir = tmp_path / 'run'
  trained = command(ROOT / 'run.py', '--imports=my_model.py', '--experiment=badd',
                    '--model=per_position', '--task=copy', '--max_length=9', '--max_steps=60', '--lr=0.1',
                    '--eval_every=30', '--eval_lengths=9,21', '--eval_examples=16',
                    f'--workdir={workdir}', cwd=tmp_path)
  assert trained.returncode == 0, trained.stderr[-2000:]
  # Copying needs nothing but each symbol: right at every length, trained to 9.
  rows = json.loads((workdir / 'eval' / 'results.json').read_text())
  assert [row['sequence_accuracy'] for row in rows['lengths']] == [1.0, 1.0], rows
  decoded = command(ROOT / 'run.py', '--mode=decode', f'--workdir={workdir}', '--input=abcdda',
                    cwd=ROOT)
  assert decoded.returncode == 0, decoded.stderr[-2000:]
  assert 'model:  abcdda' in decoded.stdout, decoded.stdout


def test_a_users_model_cannot_declare_a_new_setting(tmp_path):
  (tmp_path / 'wide.py').write_text(USER_MODEL.replace("summary=", "settings=('width',), summary="))
  result = command(ROOT / 'run.py', '--imports=wide.py', '--experiment=badd',
                   '--model=per_position', f'--workdir={tmp_path / "w"}', cwd=tmp_path)
  lines = our_stderr_lines(result.stderr)
  assert result.returncode == 2 and len(lines) == 1, result.stderr[-2000:]
  assert '--width' in lines[0] and '--maps' in lines[0], lines[0]
  assert not (tmp_path / 'w').exists()
