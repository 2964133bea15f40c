"""The README's promises: its commands, its example output and its worked example."""
import re
import subprocess
import sys

import numpy as np
import pytest

import tasks
from support import ROOT

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


def quick_start_commands():
  section = README.split('## Quick start')[1].split('\n## ')[0]
  block = re.search(r'```\n(python run\.py.*?)```', section, re.DOTALL).group(1)
  return [line.split() for line in block.strip().splitlines()]


@pytest.mark.slow
def test_the_quick_start_runs_as_written_in_a_fresh_directory(tmp_path):
  commands = quick_start_commands()
  assert [c[:2] for c in commands] == [['python', 'run.py']] * 3
  outputs = []
  for command in commands:
    result = subprocess.run([sys.executable, str(ROOT / 'run.py'), *command[2:]],
                            capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, (command, result.stderr[-2000:])
    outputs.append(result.stdout)
  shown = README.split('## Quick start')[1].split('```')[3].strip().splitlines()
  printed = outputs[0].splitlines()
  assert shown[0] in printed  # the table's header, as the README shows it
  assert [line.split('|')[1:3] for line in shown[2:]] == [
      line.split('|')[1:3] for line in printed if line.startswith(('| 9 |', '| 81 |'))]
  assert (tmp_path / 'workdirs' / 'smoke' / 'eval' / 'results.json').is_file()
  assert {'input:', 'model:', 'true:'} <= {line.split(' ')[0] for line in
                                           outputs[2].splitlines() if line}
