"""Faults a run survives: signals, SIGKILL at any moment, damaged checkpoints, NaN or Inf
losses, a full disk; and op determinism, which lets these tests demand exact equality:
an interrupted run's metrics must equal an uninterrupted one's, tolerance 0."""
import contextlib
import dataclasses
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from neuralgpu import faults
from neuralgpu.training.recovery import NONFINITE_LIMIT, NONFINITE_RETURNS
from neuralgpu.training.train import Trainer
from support import ROOT
from support import TINY as TINY_RUN
from support import metrics_without_time


pytestmark = pytest.mark.slow

# Short, with a checkpoint every 4 steps and a record of every step.
RUN = ['--experiment=smoke', '--deterministic', '--max_steps=40', '--eval_every=4',
       '--log_every=1', '--probe_every=8', '--eval_examples=8']
TINY = dataclasses.replace(TINY_RUN, log_every=1)  # a record of every step


def command(workdir, *flags):
  return [sys.executable, str(ROOT / 'run.py'), *RUN, f'--workdir={workdir}', *flags]


def run(workdir, *flags, **kwargs):
  return subprocess.run(command(workdir, *flags), capture_output=True, text=True, cwd=ROOT,
                        timeout=300, **kwargs)


def logged_steps(workdir):
  path = workdir / 'metrics.jsonl'
  text = path.read_text() if path.exists() else ''
  return [json.loads(line)['step'] for line in text.splitlines()[:-1]]  # last may be torn


@pytest.fixture(scope='module')
def straight(tmp_path_factory):
  """An uninterrupted run's metrics: what every interrupted one must match."""
  workdir = tmp_path_factory.mktemp('straight') / 'run'
  result = run(workdir)
  assert result.returncode == 0, result.stderr
  return metrics_without_time(workdir)


def test_the_same_seed_and_settings_give_the_same_losses_step_for_step(straight, tmp_path):
  result = run(tmp_path / 'again')
  assert result.returncode == 0, result.stderr
  assert metrics_without_time(tmp_path / 'again') == straight
  losses = [r['train/loss'] for r in straight if 'train/loss' in r]
  # It learns: the last ten losses average 45% of the first ten (measured; 60% leaves
  # room for another CPU's arithmetic).
  assert len(losses) == 40 and np.mean(losses[-10:]) < 0.6 * np.mean(losses[:10])


def sigint_default():
  """As at a terminal, even where these tests run with SIGINT ignored (a background job of
  a script): a child inherits the ignoring, and an ignored SIGINT would never stop it."""
  signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_and_wait(workdir, step):
  """A run started in workdir, once it has logged `step`."""
  process = subprocess.Popen(command(workdir), cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, preexec_fn=sigint_default)
  deadline = time.time() + 120
  while time.time() < deadline and max(logged_steps(workdir), default=-1) < step:
    assert process.poll() is None, process.stderr.read()
    time.sleep(0.01)
  return process


@pytest.mark.parametrize('stop', [signal.SIGINT, signal.SIGTERM])
def test_sigint_and_sigterm_save_a_checkpoint_and_the_resume_is_exact(straight, tmp_path,
                                                                      stop):
  workdir = tmp_path / 'stopped'
  process = start_and_wait(workdir, 10)
  process.send_signal(stop)
  _, stderr = process.communicate(timeout=60)
  assert process.returncode == 128 + stop
  line = stderr.strip().splitlines()[-1]
  assert line.startswith(f'run.py: stopped by {stop.name} at step ')
  assert line.endswith(f' in {workdir}, its checkpoint saved; run the same command to go on')
  step = int(line.split(' at step ')[1].split(' in ')[0])
  assert 10 <= step < 40
  assert tf.train.latest_checkpoint(workdir / 'checkpoints').endswith(f'ckpt-{step}')
  resumed = run(workdir)
  assert resumed.returncode == 0, resumed.stderr
  assert f'resuming {workdir} at step {step}' in resumed.stdout
  assert metrics_without_time(workdir) == straight


def test_sigkill_at_random_moments_then_resume_gives_the_uninterrupted_run(straight,
                                                                           tmp_path):
  workdir, rng = tmp_path / 'killed', random.Random(0)
  killed_at = []
  for _ in range(5):
    # Kill after a random step, a random moment later: mid-step, mid-validation or in
    # the middle of writing a checkpoint (one every 4 steps).
    logged = max(logged_steps(workdir), default=0)  # the next start cuts the log back
    # At most 4 steps on and 0.1 s (3 steps) later: 5 kills stay within the 40 steps.
    process = start_and_wait(workdir, rng.randint(logged + 1, logged + 4))
    time.sleep(rng.uniform(0, 0.1))
    process.kill()
    process.wait()
    killed_at.append(max(logged_steps(workdir)))
  assert killed_at[-1] < 40, killed_at  # every kill landed in training
  resumed = run(workdir)
  assert resumed.returncode == 0, resumed.stderr
  assert 'resuming' in resumed.stdout
  assert metrics_without_time(workdir) == straight


# run.py, SIGKILLed inside its Nth write to WORKDIR/checkpoints: once the data is written but not yet
# merged into its files, or once merged but before the checkpoint list names it.
KILLED_IN_A_WRITE = """
import os, re, runpy, signal, sys
from tensorflow.python.checkpoint import checkpoint_management
from tensorflow.python.ops import gen_io_ops
module, name, calls = {'merge': (gen_io_ops, 'merge_v2_checkpoints'),
                       'list': (checkpoint_management, 'update_checkpoint_state_internal')
                       }[sys.argv[1]] + ([int(sys.argv[2])],)
original = getattr(module, name)
def killed_at_last(*args, **kwargs):
  calls[0] -= bool(re.search(r'/checkpoints\\b', str(args)))  # not WORKDIR/best
  if calls[0] == 0:
    os.kill(os.getpid(), signal.SIGKILL)
  return original(*args, **kwargs)
setattr(module, name, killed_at_last)
sys.argv = sys.argv[3:]  # run.py and its flags
runpy.run_path(sys.argv[0], run_name='__main__')
"""


# The sixth checkpoint: one merge per checkpoint, two list updates (the first one counts).
@pytest.mark.parametrize('moment, call', [('merge', 6), ('list', 11)])
def test_sigkill_inside_a_checkpoint_write_leaves_the_last_one_to_resume_from(
    straight, tmp_path, moment, call):
  workdir = tmp_path / 'torn'
  killed = subprocess.run([sys.executable, '-c', KILLED_IN_A_WRITE, moment, str(call),
                           *command(workdir)[1:]], capture_output=True, cwd=ROOT,
                          timeout=300)
  assert killed.returncode == -signal.SIGKILL
  listed = Path(tf.train.latest_checkpoint(workdir / 'checkpoints')).name
  written = {p.name for p in (workdir / 'checkpoints').iterdir()}
  if moment == 'merge':  # the data of the next checkpoint lies in its temporary directory
    assert any(name.endswith('_temp') for name in written), written
  else:  # its files are complete, but the list still ends at the one before
    assert max(int(n.split('-')[1].split('.')[0]) for n in written if n.endswith('.index')) \
        > int(listed.split('-')[1])
  resumed = run(workdir)
  assert resumed.returncode == 0, resumed.stderr
  assert metrics_without_time(workdir) == straight


def test_a_damaged_latest_checkpoint_gives_way_to_the_one_before(tmp_path, capsys):
  Trainer(TINY, tmp_path).train()
  data = tmp_path / 'checkpoints' / 'ckpt-10.data-00000-of-00001'
  data.write_bytes(data.read_bytes()[:100])
  trainer = Trainer(TINY, tmp_path)
  assert trainer.saves.resume() == 5
  assert 'ckpt-10: checkpoint cannot be read' in capsys.readouterr().out
  assert trainer.train() == 10  # and writes ckpt-10 anew
  assert Trainer(TINY, tmp_path).saves.resume() == 10


def poison(trainer, from_step, times):
  """Makes the loss NaN at the first `times` training steps from `from_step` on (each
  replay after going back counts again)."""
  left = tf.Variable(times)
  step = trainer.train_step
  gradients = step._gradients  # pylint: disable=protected-access

  def poisoned(parts, seed, step_factor):
    grads, metrics = gradients(parts, seed, step_factor)
    hit = (seed[1] >= from_step) & (left > 0)
    left.assign_sub(tf.cast(hit, tf.int32))
    return grads, {**metrics, 'loss': metrics['loss'] * tf.where(hit, np.nan, 1.0)}

  step._gradients = poisoned  # pylint: disable=protected-access  (traced at first step)


def test_a_nan_loss_skips_its_update_and_is_logged(tmp_path):
  trainer = Trainer(TINY, tmp_path)
  poison(trainer, from_step=0, times=1)
  batch = np.ones([4, 9], np.int32)
  before = [v.numpy() for v in [*trainer.model.variables, trainer.optimizer.iterations]]
  metrics = trainer.train_step([(batch, batch)], tf.constant([0, 0]), 0.1, 0.0)
  assert np.isnan(metrics['loss']) and metrics['skipped'] == 1.0
  after = [v.numpy() for v in [*trainer.model.variables, trainer.optimizer.iterations]]
  for a, b in zip(before, after):
    np.testing.assert_array_equal(a, b)
  metrics = trainer.train_step([(batch, batch)], tf.constant([0, 1]), 0.1, 0.0)
  assert metrics['skipped'] == 0.0 and int(trainer.optimizer.iterations) == 1
  # In training: logged, and training goes on.
  trainer = Trainer(TINY, tmp_path / 'run')
  poison(trainer, from_step=7, times=1)
  assert trainer.train() == 10
  skipped = [r for r in metrics_without_time(tmp_path / 'run') if 'skipped_update' in r]
  assert [r['step'] for r in skipped] == [8] and np.isnan(skipped[0]['train/loss'])


def test_repeated_nan_losses_go_back_to_the_last_checkpoint_with_a_lower_rate(tmp_path):
  trainer = Trainer(TINY, tmp_path)
  poison(trainer, from_step=5, times=NONFINITE_LIMIT)  # steps 6 to 8 after ckpt-5
  assert trainer.train() == 10
  log = metrics_without_time(tmp_path)
  assert [r['step'] for r in log if 'skipped_update' in r] == [6, 7, 8]
  (back,) = [r for r in log if 'nonfinite_back_to' in r]
  assert back['nonfinite_back_to'] == 5
  assert back['lr'] == float(trainer.state.lr) == pytest.approx(TINY.lr * TINY.lr_decay)
  steps = [r['step'] for r in log if 'train/sequence_accuracy' in r]
  assert steps == [1, 2, 3, 4, 5, 6, 7] + [6, 7, 8, 9, 10]  # 8 went back to 5


def test_nan_losses_that_return_after_every_going_back_end_the_run(tmp_path):
  trainer = Trainer(TINY, tmp_path)
  poison(trainer, from_step=5, times=10**6)
  with pytest.raises(faults.Diverged, match='going back to step 5 3 times'):
    trainer.train()
  assert NONFINITE_RETURNS == 3
  assert Trainer(TINY, tmp_path).saves.resume() == 5  # the checkpoint is intact


def test_a_full_disk_ends_in_one_line_with_the_checkpoints_intact(tmp_path):
  # A file-size limit makes writes fail as a full disk does, without root.
  limit = 60_000  # a checkpoint is about 48 kB; the event file reaches this first

  def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

  workdir = tmp_path / 'full'
  result = run(workdir, '--max_steps=2000', preexec_fn=limit_file_size)
  assert result.returncode == 1, result.stderr
  line = result.stderr.strip().splitlines()[-1]
  assert line.startswith('run.py: error: could not write ') and 'File too large' in line
  assert 'Traceback' not in result.stderr
  step = int(line.split('the checkpoint of step ')[1].split()[0])
  resumed = run(workdir, f'--max_steps={step + 4}')
  assert resumed.returncode == 0, resumed.stderr
  assert f'resuming {workdir} at step {step}' in resumed.stdout


def ignore_sigint():
  """As in a background job of a script: SIGINT ignored, and so in the sweep's runs."""
  signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize('stop, preexec', [(signal.SIGINT, sigint_default),
                                           (signal.SIGTERM, ignore_sigint)],
                         ids=['SIGINT', 'SIGTERM_with_SIGINT_ignored'])
def test_a_signal_stops_a_sweep_in_one_line_and_its_runs_resume(tmp_path, stop, preexec):
  root = tmp_path / 'sweep'
  sweep = subprocess.Popen([sys.executable, '-m', 'experiments.sweep', '--experiment=smoke',
                            '--seeds=0', f'--root={root}', '--grid=max_steps=100000'],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, preexec_fn=preexec, start_new_session=True)
  workdir = root / 'max_steps=100000_seed0'
  try:
    deadline = time.time() + 120
    while time.time() < deadline and max(logged_steps(workdir), default=-1) < 5:
      time.sleep(0.05)
    sweep.send_signal(stop)
    _, stderr = sweep.communicate(timeout=120)
  finally:  # if the signal did not stop it, a run of 100,000 steps must not outlive the test
    with contextlib.suppress(ProcessLookupError):
      os.killpg(sweep.pid, signal.SIGKILL)
  assert sweep.returncode == 128 + stop
  assert stderr.strip().splitlines() == [
      'experiments.sweep: interrupted; the runs saved their checkpoints: run the same '
      'command to go on']
  assert f'stopped by {stop.name} at step' in (workdir / 'sweep.log').read_text()
  assert tf.train.latest_checkpoint(workdir / 'checkpoints')
