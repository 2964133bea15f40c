"""experiments.small_operands: every small operand in both orders, checked against Python
integers, and the command on a trained run."""
import json
import operator
import subprocess
import sys

import numpy as np
import pytest

import tasks
from experiments import small_operands
from support import ROOT
from support import little_endian_value as value


@pytest.mark.parametrize('name', ['bmul', 'badd', 'mul'])
@pytest.mark.parametrize('small_first', [True, False])
def test_every_small_operand_with_each_long_one_in_one_order(name, small_first):
  task = tasks.get(name)
  length, largest, draws = 21, 9, 2
  k = (length - 1) // 2
  inputs, smalls = small_operands.small_operand_inputs(task, length, largest, draws,
                                                      small_first)
  assert smalls.tolist() == [a for a in range(1, largest + 1) for _ in range(draws)]
  longs = set()
  for row, a in zip(inputs, smalls):
    first, second = value(row[:k] - 1, task.base), value(row[k + 1:] - 1, task.base)
    small, long = (first, second) if small_first else (second, first)
    assert row[k] == task.op_id and small == a and long >= task.base**(k - 1)
    longs.add(long)
  assert len(longs) == draws  # the same long operands for every small one


def test_a_small_operand_too_large_for_the_length_is_refused_with_the_length_it_needs():
  with pytest.raises(ValueError, match='of at least 13'):
    small_operands.small_operand_inputs(tasks.get('bmul'), 9, 63, 1, True)


def test_a_task_that_takes_the_larger_operand_first_is_asked_x_op_a_alone():
  minus = tasks.TwoOperandTask('test_minus', 2, '-', operator.sub, larger_first=True)
  assert small_operands.orders(minus) == {'x op a': False}
  assert small_operands.orders(tasks.get('bmul')) == small_operands.ORDERS
  inputs, _ = small_operands.small_operand_inputs(minus, 21, 9, 2, False)
  assert (minus.targets(inputs) > 0).any()  # x - a, defined


def test_the_listing_counts_each_wrong_small_operand_s_draws():
  smalls = np.array([1, 1, 2, 2, 3, 3])
  right = np.array([True, True, False, True, False, False])
  wrong = small_operands.wrong_counts(smalls, right)
  assert wrong == {'2': 1, '3': 2}
  assert small_operands.wrong_listing(wrong, 2) == '2 (1/2), 3 (2/2)'


def command(*args):
  return subprocess.run([sys.executable, '-m', 'experiments.small_operands', *args],
                        capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.slow
def test_the_command_on_a_trained_run(tmp_path):
  trained = subprocess.run([sys.executable, 'run.py', '--experiment=smoke', '--task=bmul',
                            '--max_steps=2', '--eval_every=2', f'--workdir={tmp_path}'],
                           capture_output=True, text=True, cwd=ROOT, timeout=300)
  assert trained.returncode == 0, trained.stderr
  result = command(f'--workdir={tmp_path}', '--lengths=13,21', '--largest=7', '--draws=2')
  assert result.returncode == 0, result.stderr
  cells = [line.strip('| ').split(' | ') for line in result.stdout.splitlines()
           if line.startswith(('| 13 |', '| 21 |'))]
  assert [(length, question, of.split('/')[1]) for length, question, of, _ in cells] == [
      ('13', 'a * x', '14'), ('13', 'x * a', '14'), ('21', 'a * x', '14'),
      ('21', 'x * a', '14')]
  for _, _, of, wrong in cells:  # the listing agrees with the count
    wrong_draws = 0 if wrong == 'none' else sum(int(w.split('(')[1].split('/')[0])
                                                for w in wrong.split(', '))
    assert int(of.split('/')[0]) == 14 - wrong_draws
  written = json.loads((tmp_path / 'eval_small_operands_lengths=13,21_largest=7_draws=2' /
                        'results.json').read_text())
  assert written['probe'] == 'small_operands' and written['checkpoint_step'] == 2
  assert [(str(r['length']), r['question'], f'{r["right"]}/{r["of"]}',
           small_operands.wrong_listing(r['wrong'], 2) or 'none')
          for r in written['rows']] == [tuple(cell) for cell in cells]
  for args, named in ((['--lengths=9'], 'at least 13'), (['--lengths=10'], '10'),
                      (['--largest=0'], '--largest=0'), (['--draws=x'], 'draws')):
    refused = command(f'--workdir={tmp_path}', '--largest=63', *args)
    assert refused.returncode == 2 and named in refused.stderr, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
