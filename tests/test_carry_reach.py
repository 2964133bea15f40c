"""experiments.carry_reach: runs of digits b - 1 of every length, checked against Python
integers, and the command on trained runs."""
import json
import subprocess
import sys

import numpy as np
import pytest

import tasks
from experiments import carry_reach
from support import ROOT
from support import little_endian_value as value


@pytest.mark.parametrize('name', ['badd', 'add', 'qadd', 'bmul', 'mul'])
@pytest.mark.parametrize('question', carry_reach.QUESTIONS)
def test_every_run_length_for_one_question(name, question):
  task = tasks.get(name)
  length = 21
  k = (length - 1) // 2
  inputs = carry_reach.chain_inputs(task, length, question)
  assert len(inputs) == k
  for n, row in enumerate(inputs, start=1):
    a, b = value(row[:k] - 1, task.base), value(row[k + 1:] - 1, task.base)
    operand = {'run': task.base**n - 1, 'one': 1}
    assert row[k] == task.op_id and (a, b) == (operand[question[0]], operand[question[1]])


def test_each_question_is_written_with_the_task_s_operator():
  assert [carry_reach.question_text(tasks.get('bmul'), q) for q in carry_reach.QUESTIONS] == [
      '(bⁿ − 1) * 1', '1 * (bⁿ − 1)', '(bⁿ − 1) * (bⁿ − 1)']


def test_reach_is_the_longest_chain_length_up_to_which_all_are_right():
  assert carry_reach.reach(np.array([True, False, True])) == 1
  assert carry_reach.reach(np.array([True, True, False])) == 2
  assert carry_reach.reach(np.ones(3, bool)) == 3
  assert carry_reach.reach(np.array([False, True, True])) == 0


def command(*args):
  return subprocess.run([sys.executable, '-m', 'experiments.carry_reach', *args],
                        capture_output=True, text=True, cwd=ROOT, timeout=300)


def train(workdir, task: str, *settings):
  """A two-step smoke run of the task in workdir."""
  trained = subprocess.run([sys.executable, 'run.py', '--experiment=smoke', f'--task={task}',
                            '--max_steps=2', '--eval_every=2', f'--workdir={workdir}',
                            *settings], capture_output=True, text=True, cwd=ROOT, timeout=300)
  assert trained.returncode == 0, trained.stderr


@pytest.mark.slow
def test_the_command_on_trained_runs(tmp_path):
  for task in ('badd', 'bmul', 'copy'):
    train(tmp_path / task, task)
  for task, op in (('badd', '+'), ('bmul', '*')):
    result = command(f'--workdir={tmp_path / task}', '--lengths=9,21')
    assert result.returncode == 0, result.stderr
    cells = [line.strip('| ').split(' | ') for line in result.stdout.splitlines()
             if line.startswith(('| 9 |', '| 21 |'))]
    questions = [f'(bⁿ − 1) {op} 1', f'1 {op} (bⁿ − 1)', f'(bⁿ − 1) {op} (bⁿ − 1)']
    assert [(length, question, right.split('/')[1])
            for length, question, right, _, _ in cells] == [
                (length, question, str((int(length) - 1) // 2))
                for length in ('9', '21') for question in questions]
    for length, _, right, reached, wrong in cells:  # the reach and count agree with the list
      k = (int(length) - 1) // 2
      assert int(reached) == (k if wrong == 'none' else int(wrong.split(',')[0]) - 1)
      if '…' not in wrong:
        assert int(right.split('/')[0]) == k - (0 if wrong == 'none' else
                                                 len(wrong.split(', ')))
    written = json.loads((tmp_path / task / 'eval_carry_reach_lengths=9,21' /
                          'results.json').read_text())
    assert [(str(r['length']), r['question'], f'{r["right"]}/{r["of"]}', str(r['reach']),
             r['wrong'][:carry_reach.WRONG_SHOWN])
            for r in written['rows']] == [
                (length, question, right, reached,
                 [] if wrong == 'none' else [int(n) for n in wrong.rstrip(', …').split(', ')])
                for length, question, right, reached, wrong in cells]
  more_steps = command(f'--workdir={tmp_path / "bmul"}', '--lengths=9', '--eval_step_factor=2')
  assert more_steps.returncode == 0, more_steps.stderr
  written = json.loads((tmp_path / 'bmul' / 'eval_carry_reach_lengths=9_eval_step_factor=2' /
                        'results.json').read_text())
  assert written['flags'] == {'lengths': '9', 'eval_step_factor': '2'}
  # A run set to answer with more steps is probed with them unless told otherwise.
  own = tmp_path / 'bmul_more_steps'
  train(own, 'bmul', '--eval_step_factor=2')
  result = command(f'--workdir={own}', '--lengths=9')
  assert result.returncode == 0, result.stderr
  written = json.loads((own / 'eval_carry_reach_lengths=9_eval_step_factor=2' /
                        'results.json').read_text())
  assert written['flags'] == {'lengths': '9', 'eval_step_factor': '2'}
  # Told one step per symbol, it says so in its name and flags, so that it runs again so.
  result = command(f'--workdir={own}', '--lengths=9', '--eval_step_factor=1')
  assert result.returncode == 0, result.stderr
  written = json.loads((own / 'eval_carry_reach_lengths=9_eval_step_factor=1' /
                        'results.json').read_text())
  assert written['flags'] == {'lengths': '9', 'eval_step_factor': '1'}
  for args, task, named in ((['--lengths=9'], 'copy', 'addition or multiplication'),
                            (['--eval_step_factor=0.5'], 'bmul', '>= 1'),
                            (['--lengths=10'], 'badd', '10'),
                            (['--lengths=x'], 'badd', 'integers')):
    refused = command(f'--workdir={tmp_path / task}', *args)
    assert refused.returncode == 2 and named in refused.stderr, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
