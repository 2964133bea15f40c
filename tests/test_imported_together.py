"""The experiments modules that tests import load together in one process: CI's workers
take test files in any grouping, and two modules defining the same flag on import (both
programs with a --workdir) fail whichever file comes second."""
import re
import subprocess
import sys

from support import ROOT


def test_the_experiments_modules_tests_import_can_share_a_process():
  sources = ''.join(path.read_text() for path in (ROOT / 'tests').glob('test_*.py'))
  names = set()
  for imported in re.findall(r'^\s*from experiments import ([\w, ]+)', sources, re.M):
    names.update(name.split(' as ')[0].strip() for name in imported.split(','))
  assert {'carry_reach', 'small_operands', 'sweep', 'curves'} <= names  # the scan works
  loaded = subprocess.run(
      [sys.executable, '-c', ''.join(f'import experiments.{name}\n' for name in sorted(names))],
      capture_output=True, text=True, cwd=ROOT, timeout=300)
  assert loaded.returncode == 0, loaded.stderr[-2000:]
