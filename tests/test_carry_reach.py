"""experiments.carry_reach: carry chains of every length, checked against Python integers,
and the command on trained runs."""
import subprocess
import sys

import numpy as np
import pytest

import tasks
from experiments import carry_reach
from support import ROOT


def value(digits, base):
  return sum(int(d) * base**i for i, d in enumerate(digits))


@pytest.mark.parametrize('name', ['badd', 'add', 'qadd'])
def test_every_chain_length_both_ways_round(name):
  task = tasks.get(name)
  length = 21
  k = (length - 1) // 2
  ns, inputs = carry_reach.chain_inputs(task, length)
  assert sorted(set(ns.tolist())) == list(range(1, k + 1))
  seen = set()
  for n, row in zip(ns, inputs):
    a, b = value(row[:k] - 1, task.base), value(row[k + 1:] - 1, task.base)
    assert row[k] == task.op_id and {a, b} == {1, task.base**n - 1} and a + b == task.base**n
    seen.add((a, b))
  # In base 2 the chain of one digit is 1 + 1 either way round.
  assert len(seen) == len(ns) == 2 * k - (task.base == 2)


def test_reach_is_the_longest_chain_length_up_to_which_all_are_right():
  ns = np.array([1, 2, 2, 3, 3])
  assert carry_reach.reach(ns, np.array([True, True, False, True, True])) == 1
  assert carry_reach.reach(ns, np.array([True, True, True, True, False])) == 2
  assert carry_reach.reach(ns, np.ones(5, bool)) == 3
  assert carry_reach.reach(ns, np.array([False, True, True, True, True])) == 0


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
  rows = [line for line in result.stdout.splitlines() if line.startswith('| 9 |')
          or line.startswith('| 21 |')]
  cells = [row.strip('| ').split(' | ') for row in rows]
  assert [right.split('/')[1] for _, right, _, _ in cells] == ['7', '19']
  for (_, _, reached, wrong), k in zip(cells, (4, 10)):  # the reach agrees with the list
    assert int(reached) == (k if wrong == 'none' else int(wrong.split(',')[0]) - 1)
  for args, named in ((['--lengths=9'], 'addition'), (['--lengths=10'], '10'),
                      (['--lengths=x'], 'integers')):
    workdir = tmp_path / ('bmul' if named == 'addition' else 'badd')
    refused = command(f'--workdir={workdir}', *args)
    assert refused.returncode == 2 and named in refused.stderr, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
