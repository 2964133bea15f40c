"""Data-parallel training (--strategy) follows the single-device run.

Tolerance: every logged training loss of a 30-step run within 1e-5 (relative) of the
single-device run's, with dropout off (the masks are drawn per replica). Measured: 1.8e-7
for both strategies; what differs is the order of the gradient sums.
"""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

pytestmark = pytest.mark.slow

TOLERANCE = 1e-5
RUN = ['--experiment=smoke', '--max_steps=30', '--log_every=1', '--dropout=0']
ONE_THREAD = {'TF_NUM_INTRAOP_THREADS': '1', 'TF_NUM_INTEROP_THREADS': '1'}


def start(workdir, *args, env=None):
  return subprocess.Popen(
      [sys.executable, str(ROOT / 'run.py'), *RUN, f'--workdir={workdir}', *args],
      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
      env={**os.environ, **ONE_THREAD, **(env or {})})


def finish(process):
  output, _ = process.communicate(timeout=600)
  assert process.returncode == 0, output
  return output


def losses(workdir: Path) -> list[float]:
  records = [json.loads(line) for line in open(workdir / 'metrics.jsonl')]
  return [r['train/loss'] for r in records if 'train/loss' in r]


@pytest.fixture(scope='module')
def single_device(tmp_path_factory):
  workdir = tmp_path_factory.mktemp('single')
  finish(start(workdir))
  return losses(workdir)


def assert_close(got, expected):
  assert len(got) == len(expected) == 30
  worst = max(abs(a - b) / abs(b) for a, b in zip(got, expected))
  assert worst <= TOLERANCE, worst


def test_mirrored_over_two_logical_cpus_follows_the_single_device_run(tmp_path, single_device):
  output = finish(start(tmp_path, '--strategy=mirrored', '--cpu_devices=2'))
  assert 'CPU:1' in output  # it did mirror over two devices
  assert_close(losses(tmp_path), single_device)


def free_ports(count):
  sockets = [socket.socket() for _ in range(count)]
  for s in sockets:
    s.bind(('localhost', 0))
  ports = [s.getsockname()[1] for s in sockets]
  for s in sockets:
    s.close()
  return ports


def test_two_workers_over_loopback_follow_the_single_device_run(tmp_path, single_device):
  workers = [f'localhost:{port}' for port in free_ports(2)]
  processes = [start(tmp_path, '--strategy=multiworker', env={'TF_CONFIG': json.dumps(
      {'cluster': {'worker': workers}, 'task': {'type': 'worker', 'index': i}})})
               for i in range(2)]
  for process in processes:
    finish(process)
  chief, other = losses(tmp_path), losses(tmp_path / 'worker1')
  assert_close(chief, single_device)
  assert_close(other, chief)  # both workers applied the same updates
  assert (tmp_path / 'eval' / 'results.json').exists()  # the chief evaluates
  assert not (tmp_path / 'worker1' / 'eval').exists()


@pytest.mark.parametrize('args, env, must_mention', [
    (['--strategy=multiworker'], {}, ['TF_CONFIG', 'cluster']),
    (['--strategy=multiworker'], {'TF_CONFIG': '{"cluster": {}}'}, ['TF_CONFIG=', 'index']),
    (['--strategy=mirrored', '--cpu_devices=3'], {}, ['--batch_size=32', '3 replicas']),
    (['--strategy=ring'], {}, ['--strategy=ring', 'mirrored', 'multiworker']),
])
def test_a_strategy_that_cannot_run_stops_in_one_line(tmp_path, args, env, must_mention):
  environment = {k: v for k, v in os.environ.items() if k != 'TF_CONFIG'}
  result = subprocess.run(
      [sys.executable, str(ROOT / 'run.py'), *RUN, f'--workdir={tmp_path / "w"}', *args],
      capture_output=True, text=True, cwd=ROOT, env={**environment, **env}, timeout=120)
  assert result.returncode == 2, result.stderr
  assert len(result.stderr.strip().splitlines()) == 1, result.stderr
  for word in must_mention:
    assert word in result.stderr, (word, result.stderr)
  assert not (tmp_path / 'w').exists()
