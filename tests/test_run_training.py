"""run.py end to end on tiny settings: train, resume, decode, and refuse bad settings."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMOKE = ['--experiment=smoke']


def run(*args, timeout=300):
  return subprocess.run([sys.executable, str(ROOT / 'run.py'), *args], capture_output=True,
                        text=True, cwd=ROOT, timeout=timeout)


def metrics(workdir):
  return [json.loads(line) for line in (workdir / 'metrics.jsonl').read_text().splitlines()]


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
  workdir = tmp_path_factory.mktemp('run') / 'smoke'
  result = run(*SMOKE, f'--workdir={workdir}')
  assert result.returncode == 0, result.stderr
  return workdir, result.stdout


def test_training_writes_the_workdir_and_reports_accuracy_by_length(trained):
  workdir, stdout = trained
  for name in ('config.json', 'metrics.jsonl', 'checkpoints', 'best', 'eval/table.md'):
    assert (workdir / name).exists(), name
  assert list(workdir.glob('events.out.tfevents.*'))
  assert json.loads((workdir / 'config.json').read_text())['maps'] == 8
  assert '| 9 | 8 |' in stdout and '| 81 | 8 |' in stdout  # max_length, 10x operands
  assert 'steps/s' in stdout and 'ETA' in stdout
  keys = set().union(*metrics(workdir))
  for key in ('train/loss', 'train/symbol_accuracy', 'train/sequence_accuracy',
              'train/grad_norm', 'lr', 'curriculum_length',
              'validation/curriculum_sequence_accuracy', 'validation/max_symbol_accuracy',
              'validation/beyond_sequence_accuracy'):
    assert key in keys, key


def test_decode_prints_the_model_answer_beside_the_true_one(trained):
  workdir, _ = trained
  result = run('--mode=decode', f'--workdir={workdir}', '--input=1011+110')
  assert result.returncode == 0, result.stderr
  lines = result.stdout.splitlines()
  assert lines[0] == 'input:  1011+0110'  # operands as wide as in training
  assert lines[1].startswith('model:  ')
  assert lines[2].startswith('true:   10001  (')


def test_a_second_run_resumes_and_a_changed_config_is_refused(trained):
  workdir, _ = trained
  result = run(*SMOKE, f'--workdir={workdir}', '--max_steps=30')
  assert result.returncode == 0, result.stderr
  assert 'resuming' in result.stdout and 'at step 20' in result.stdout
  assert metrics(workdir)[-1]['step'] == 30
  changed = run(*SMOKE, f'--workdir={workdir}', '--maps=9')
  assert changed.returncode == 2
  assert 'maps (8 -> 9)' in changed.stderr and len(changed.stderr.splitlines()) == 1


def test_killed_run_resumes_at_the_saved_step_and_curriculum_length(tmp_path):
  workdir = tmp_path / 'killed'
  args = [sys.executable, str(ROOT / 'run.py'), *SMOKE, f'--workdir={workdir}',
          '--max_steps=100000', '--eval_every=25', '--curriculum_threshold=1.0']
  process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
  deadline = time.time() + 240
  while time.time() < deadline and not list((workdir / 'checkpoints').glob('ckpt-50.index')):
    time.sleep(0.5)
  process.send_signal(signal.SIGKILL)
  process.wait()
  saved = max(int(p.stem.split('-')[1]) for p in (workdir / 'checkpoints').glob('*.index'))
  at_save = [r for r in metrics(workdir) if r['step'] == saved and 'lr' in r][-1]
  assert at_save['curriculum_length'] > 3  # threshold 1.0 advances at every window
  result = run(*SMOKE, f'--workdir={workdir}', '--max_steps=100000', '--eval_every=25',
               '--curriculum_threshold=1.0', f'--max_steps={saved + 5}')
  assert result.returncode == 0, result.stderr
  assert (f'resuming {workdir} at step {saved}, curriculum length '
          f'{at_save["curriculum_length"]}') in result.stdout


def test_flagfile_sets_flags(tmp_path):
  flagfile = tmp_path / 'flags.txt'
  flagfile.write_text('--experiment=smoke\n--maps=6\n--max_steps=2\n--eval_every=2\n')
  result = run(f'--flagfile={flagfile}', f'--workdir={tmp_path / "w"}')
  assert result.returncode == 0, result.stderr
  assert json.loads((tmp_path / 'w' / 'config.json').read_text())['maps'] == 6


def test_decode_refuses_input_the_task_cannot_encode(trained):
  workdir, _ = trained
  for bad in ('10a1+1', '1011', '1+1+1'):
    result = run('--mode=decode', f'--workdir={workdir}', f'--input={bad}')
    assert result.returncode == 2 and '--input' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
