"""The README's promises: its commands, its example output and its worked example."""
import re
from pathlib import Path

import numpy as np

import tasks

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / 'README.md').read_text()


def indented_commands():
  return [line.strip() for line in README.splitlines() if line.startswith('    python3 -m venv')]


def test_exactly_two_setup_commands_and_ci_runs_the_test_command():
  main_job, test_command = indented_commands()
  assert main_job.endswith('python run.py')
  assert 'pytest' in test_command
  ci_lines = (ROOT / '.ci' / 'run').read_text().splitlines()
  assert test_command in ci_lines


def test_the_worked_example_task_works():
  source = re.search(r'Put it in `tasks/parity.py`:\n\n```python\n(.*?)```', README,
                     re.DOTALL).group(1)
  namespace = {}
  exec(compile(source, 'README parity example', 'exec'), namespace)  # pylint: disable=exec-used
  task = tasks.register(namespace['RunningParity']('test_readme_parity'))
  assert task.decode(task.targets(task.encode('0110')[None])[0]) == '0100'
  inputs, targets = task.sample(np.random.default_rng(0), 50, 12)
  for x, y in zip(inputs, targets):
    bits = [int(c) for c in task.decode(x)]
    assert task.decode(y) == ''.join(str(sum(bits[:i + 1]) % 2) for i in range(12))
