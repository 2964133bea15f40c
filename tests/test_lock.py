"""One writer per workdir (neuralgpu/runs/lock.py): training, sweeps and comparisons refuse a
directory another process writes, in one line naming it and that process, before
writing anything; readers work while a run trains; a killed writer leaves no lock."""
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import ROOT


pytestmark = pytest.mark.slow

# A process that holds the lock of a directory until it is killed.
HOLDER = ('import sys, time\nfrom neuralgpu.runs import lock\nlock.hold(sys.argv[1])\n'
          'print("held", flush=True)\ntime.sleep(600)')
WRITERS = {
    'run.py': (['run.py', '--experiment=smoke', '--max_steps=2', '--workdir={dir}'],
               '--workdir'),
    'sweep': (['-m', 'experiments.sweep', '--experiment=smoke', '--seeds=0',
               '--grid=max_steps=2', '--root={dir}'], '--root'),
    'compare': (['-m', 'experiments.compare', '--experiments=badd,badd_lstm', '--seeds=0',
                 '--max_steps=2', '--times=1', '--eval_examples=4', '--root={dir}'],
                '--root'),
}


def python(args, directory):
  return subprocess.run([sys.executable, *(a.format(dir=directory) for a in args)],
                        capture_output=True, text=True, cwd=ROOT, timeout=600)


def tree(directory: Path) -> dict:
  """Every path under directory with its size and modification time."""
  return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in directory.rglob('*')}


def held(directory: Path) -> subprocess.Popen:
  holder = subprocess.Popen([sys.executable, '-c', HOLDER, str(directory)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
  assert holder.stdout.readline() == 'held\n'
  return holder


@pytest.mark.parametrize('writer', WRITERS)
def test_a_second_writer_is_refused_in_one_line_and_writes_nothing(tmp_path, writer):
  args, flag = WRITERS[writer]
  directory = tmp_path / 'held'
  holder = held(directory)
  try:
    before = tree(directory)
    result = python(args, directory)
  finally:
    holder.kill()
    holder.wait()
  assert result.returncode == 2, result.stderr
  lines = result.stderr.strip().splitlines()
  assert len(lines) == 1, result.stderr
  assert f'{flag}={directory} is in use by process {holder.pid}' in lines[0]
  assert tree(directory) == before
  if writer == 'run.py':  # the killed holder's lock went with it: the same command runs
    again = python(args, directory)
    assert again.returncode == 0, again.stderr


def logged(workdir: Path) -> bool:
  return (workdir / 'best' / 'checkpoint').exists()


def test_readers_work_while_a_run_trains_and_a_second_run_is_refused(tmp_path):
  workdir = tmp_path / 'run'
  train = ['run.py', '--experiment=smoke', '--max_steps=100000', '--workdir={dir}']
  trainer = subprocess.Popen([sys.executable, *(a.format(dir=workdir) for a in train)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
  try:
    deadline = time.time() + 300
    while not logged(workdir) and time.time() < deadline:
      assert trainer.poll() is None, trainer.stderr.read()
      time.sleep(0.2)
    second = python(train, workdir)
    evaluation = python(['run.py', '--mode=eval', '--workdir={dir}', '--eval_lengths=9',
                         '--eval_examples=8', f'--comparison_dir={tmp_path / "cmp"}'],
                        workdir)
    decoded = python(['run.py', '--mode=decode', '--workdir={dir}', '--input=101+11'],
                     workdir)
    assert trainer.poll() is None  # still training through all of it
  finally:
    trainer.send_signal(signal.SIGTERM)
    trainer.communicate(timeout=120)
  assert second.returncode == 2
  assert f'--workdir={workdir} is in use by process {trainer.pid}' in second.stderr
  assert len(second.stderr.strip().splitlines()) == 1
  assert evaluation.returncode == 0, evaluation.stderr
  assert 'sequence accuracy' in evaluation.stdout
  assert decoded.returncode == 0, decoded.stderr
  assert 'true:   1000' in decoded.stdout
