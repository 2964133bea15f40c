"""Which code trained a run: WORKDIR/sessions.jsonl holds one record per training
session (the commit, whether it had uncommitted changes, the step it started from, when,
on what CPU), for a stored run's manifest."""
import json
import os
import subprocess
import time
from pathlib import Path

from neuralgpu import faults


SESSIONS = 'sessions.jsonl'


def record(workdir: Path, step: int) -> None:
  """Appends this training session to WORKDIR/sessions.jsonl: the commit of the code,
  whether it had changes not committed, the step it started at, when, on what CPU."""
  commit, changed = code_commit()
  session = {'commit': commit, 'uncommitted_changes': changed, 'from_step': step,
             'started': time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
             'cpu': _cpu_name(), 'cores': os.cpu_count()}
  with faults.writing(Path(workdir) / SESSIONS), open(Path(workdir) / SESSIONS, 'a') as f:
    f.write(json.dumps(session) + '\n')


def trained_by_commits(workdir: Path) -> list[str]:
  """The commits of the code of each training session of the run, in order, once each;
  a commit with changes not committed is marked so."""
  path = Path(workdir) / SESSIONS
  commits = []
  for line in (path.read_text().splitlines() if path.is_file() else []):
    record = json.loads(line)
    commit = record['commit'] + (' with uncommitted changes'
                                 if record['uncommitted_changes'] else '')
    if commit not in commits:
      commits.append(commit)
  return commits


def code_commit() -> tuple:
  """(the commit of this package's checkout, whether it has uncommitted changes to
  tracked files); ('unknown', False) outside a git checkout."""
  root = Path(__file__).resolve().parents[1]
  try:
    commit = subprocess.run(['git', 'rev-parse', '--short=12', 'HEAD'], cwd=root,
                            capture_output=True, text=True, check=True).stdout.strip()
    status = subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'],
                            cwd=root, capture_output=True, text=True, check=True).stdout
  except (OSError, subprocess.CalledProcessError):
    return 'unknown', False
  return commit, bool(status.strip())


def _cpu_name() -> str:
  try:
    for line in Path('/proc/cpuinfo').read_text().splitlines():
      if line.startswith('model name'):
        return line.split(':', 1)[1].strip()
  except OSError:
    pass
  return 'unknown'
