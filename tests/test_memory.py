"""Requests the machine cannot hold are refused before any work (neuralgpu/runs/memory.py), in
one line naming the setting to lower; memory run out later ends in one line with the
checkpoints intact."""
import dataclasses
import subprocess
import sys

import pytest

from neuralgpu import cli
from neuralgpu.runs import memory
from neuralgpu.training.train import Trainer
from support import ROOT
from support import TINY as TINY_RUN


pytestmark = pytest.mark.slow

TINY = dataclasses.replace(TINY_RUN, log_every=100, max_steps=20)


@pytest.mark.parametrize('args, lowered', [
    (['run.py', '--maps=1000000'], '--maps'),
    (['run.py', '--batch_size=100000'], '--batch_size'),
    (['run.py', '--experiment=badd', '--model=lstm', '--units=100000'], '--units'),
    (['run.py', '--experiment=bmul_dngpu', '--maps=20000'], '--maps'),
    (['run.py', '--eval_lengths=41,20000001'], '--eval_lengths'),
    (['run.py', '--experiment=badd', '--max_length=2001', '--eval_lengths=2001'],
     '--max_length'),
    (['-m', 'experiments.sweep', '--experiment=smoke', '--seeds=0', '--grid=maps=1000000'],
     '--maps'),
])
def test_what_cannot_fit_is_refused_in_one_line_and_writes_nothing(tmp_path, args, lowered):
  directory = tmp_path / 'never'
  where = '--root' if args[0] == '-m' else '--workdir'
  result = subprocess.run([sys.executable, *args, '--max_steps=1' if args[0] == 'run.py'
                           else '--parallel=1', f'{where}={directory}'],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
  assert result.returncode == 2, result.stderr
  line, = result.stderr.strip().splitlines()
  assert 'GiB of memory, more than the' in line and lowered in line
  assert not directory.exists()


def test_runs_side_by_side_need_their_memory_together(monkeypatch):
  need = memory.training_bytes(TINY, 4)
  monkeypatch.setattr(memory, 'available_bytes', lambda: int(1.5 * need))
  memory.training_fits(dataclasses.replace(TINY, eval_lengths='9'))
  with pytest.raises(ValueError, match='2 runs at once needs about .* lower .*--parallel'):
    memory.training_fits(dataclasses.replace(TINY, eval_lengths='9'), runs_at_once=2)


def test_estimates_grow_with_the_settings_that_cost_memory():
  base = memory.training_bytes(TINY, 4)
  for change in (dict(maps=8), dict(batch_size=8), dict(max_length=17, eval_lengths='17'),
                 dict(layers=3)):
    assert memory.training_bytes(dataclasses.replace(TINY, **change), 4) > base, change
  # Evaluation batches shrink as inputs grow; from one example a batch, memory grows.
  assert memory.evaluation_bytes(TINY, 4, 40001) > memory.evaluation_bytes(TINY, 4, 4001)
  assert (memory.evaluation_bytes(dataclasses.replace(TINY, maps=8), 4, 4001)
          > memory.evaluation_bytes(TINY, 4, 4001))


def test_memory_run_out_in_training_ends_in_one_line_with_the_checkpoint_intact(
    tmp_path, capsys):
  trainer = Trainer(TINY.validate(), tmp_path)
  step_once = trainer.train_step

  def runs_out_at_step_7(parts, seed, *rest):
    if int(seed[1]) == 7:
      raise MemoryError('Unable to allocate 131. TiB')
    return step_once(parts, seed, *rest)

  trainer.train_step = runs_out_at_step_7
  with pytest.raises(SystemExit) as stop, cli.faults_in_one_line('run.py'):
    trainer.train()
  assert stop.value.code == 1
  line, = capsys.readouterr().err.strip().splitlines()
  assert line.startswith('run.py: error: ran out of memory; the checkpoints') and 'intact' in line
  assert Trainer(TINY.validate(), tmp_path).saves.resume() == 5
