"""The README's promises: its commands, its example output and its worked example."""
import re
import subprocess
import sys

import pytest

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


def test_the_worked_example_task_runs_as_written_in_a_fresh_directory(tmp_path):
  section = README.split('## Adding a task')[1].split('\n## ')[0]
  source = re.search(r'```python\n(.*?)```', section, re.DOTALL).group(1)
  (tmp_path / 'my_tasks.py').write_text(source)
  command = re.search(r'^    (python run\.py .*--imports=my_tasks\.py)$', section,
                      re.MULTILINE).group(1).split()
  result = subprocess.run([sys.executable, str(ROOT / 'run.py'), *command[2:]],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
  assert result.returncode == 0, result.stderr[-2000:]
  pairs = [line.split('->') for line in result.stdout.splitlines() if '->' in line]
  assert len(pairs) >= 5, result.stdout
  for inputs, targets in pairs:  # each target bit: the parity of the input bits so far
    bits = [int(c) for c in inputs.strip()]
    assert targets.strip() == ''.join(str(sum(bits[:i + 1]) % 2) for i in range(len(bits)))


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
