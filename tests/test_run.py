"""run.py as a user meets it: flags, examples, and one-line errors with exit status 2."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
  return subprocess.run([sys.executable, str(ROOT / 'run.py'), *args], capture_output=True,
                        text=True, cwd=ROOT, timeout=120)


def test_helpfull_lists_the_flags():
  result = run('--helpfull')
  assert result.returncode == 0
  for flag in ('--task', '--length', '--num_examples', '--seed', '--flagfile'):
    assert flag in result.stdout


def test_prints_decoded_examples_of_the_task():
  result = run('--task=bmul', '--length=9', '--num_examples=3')
  assert result.returncode == 0, result.stderr
  lines = result.stdout.splitlines()
  assert lines[0] == 'bmul, length 9, seed 0:'
  for line in lines[1:]:
    question, answer = line.split('  ->  ')
    a, b = question.strip().split('*')
    assert int(a, 2) * int(b, 2) == int(answer, 2)
  assert len(lines) == 4


@pytest.mark.parametrize('args, must_mention', [
    (['--task=nosuch'], ['--task', 'nosuch', 'badd', 'sort']),
    (['--length=8'], ['--length', '8', '3, 5, 7']),
    (['--task=duplicate', '--length=1'], ['--length', '>= 2']),
    (['--num_examples=0'], ['--num_examples', '>= 1']),
    (['--seed=-1'], ['--seed', '>= 0']),
    (['--length=abc'], ['--length', 'abc']),
    (['--nosuchflag'], ['nosuchflag']),
    (['stray'], ['stray', '--flag']),
])
def test_bad_input_is_one_line_and_exit_status_2(args, must_mention):
  result = run(*args)
  assert result.returncode == 2
  assert result.stdout == ''
  assert len(result.stderr.strip().splitlines()) == 1, result.stderr
  for word in must_mention:
    assert word in result.stderr
