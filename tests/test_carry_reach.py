"""experiments.carry_reach: carry chains of every length, checked against Python integers,
and the command on trained runs."""
import subprocess
import sys

import numpy as np
import pytest

import tasks
from experiments import carry_reach
from support import ROOT
from support import little_endian_value as value


@pytest.mark.parametrize('name', ['badd', 'add', 'qadd'])
@pytest.mark.parametrize('run_first', [True, False])
def test_every_chain_length_in_one_order(name, run_first):
  task = tasks.get(name)
  length = 21
  k = (length - 1) // 2
  inputs = carry_reach.chain_inputs(task, length, run_first)
  assert len(inputs) == k
  for n, row in enumerate(inputs, start=1):
    a, b = value(row[:k] - 1, task.base), value(row[k + 1:] - 1, task.base)
    run = task.base**n - 1
    assert row[k] == task.op_id and (a, b) == ((run, 1) if run_first else (1, run))
    assert a + b == task.base**n


def test_reach_is_the_longest_chain_length_up_to_which_all_are_right():
  assert carry_reach.reach(np.array([True, False, True])) == 1
  assert carry_reach.reach(np.array([True, True, False])) == 2
  assert carry_reach.reach(np.ones(3, bool)) == 3
  assert carry_reach.reach(np.array([False, True, True])) == 0


def command(*args):
  return subprocess.run([sys.executable, '-m', 'experiments.carry_reach', *args],
                        capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.slow
def test_the_command_on_trained_runs(tmp_path):
  for task in ('badd', 'bmul'):
    trained = subprocess.run([sys.executable, 'run.py', '--experiment=smoke', f'--task={task}',
                              '--max_steps=2', '--eval_every=2', f'--workdir={tmp_path / task}'],
                             capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert trained.returncode == 0, trained.stderr
  result = command(f'--workdir={tmp_path / "badd"}', '--lengths=9,21')
  assert result.returncode == 0, result.stderr
  cells = [line.strip('| ').split(' | ') for line in result.stdout.splitlines()
           if line.startswith(('| 9 |', '| 21 |'))]
  assert [(length, order[0], right.split('/')[1]) for length, order, right, _, _ in cells] == [
      ('9', '(', '4'), ('9', '1', '4'), ('21', '(', '10'), ('21', '1', '10')]
  for length, _, _, reached, wrong in cells:  # the reach agrees with the list
    k = (int(length) - 1) // 2
    assert int(reached) == (k if wrong == 'none' else int(wrong.split(',')[0]) - 1)
  for args, named in ((['--lengths=9'], 'addition'), (['--lengths=10'], '10'),
                      (['--lengths=x'], 'integers')):
    workdir = tmp_path / ('bmul' if named == 'addition' else 'badd')
    refused = command(f'--workdir={workdir}', *args)
    assert refused.returncode == 2 and named in refused.stderr, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
