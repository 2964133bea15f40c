"""One writer per directory: a process that trains into a workdir, or runs a sweep or a
comparison into a root, holds an exclusive lock on that directory for as long as it
lives. The lock is flock(2) on the directory itself, so nothing is written to take it,
and the operating system releases it when its process ends, killed or not: there is
never a stale lock to clean up. Readers (evaluation, decoding) take no lock.
"""
import fcntl
import os
from pathlib import Path


class Busy(ValueError):
  """The directory is held by another process."""


_held: dict[Path, int] = {}  # directory -> the open descriptor that holds its lock


def hold(directory: Path, flag: str = '--workdir') -> None:
  """Takes the lock of directory (created if new) for the rest of this process; Busy,
  naming the process that holds it, if another one does. Taking it again is a no-op."""
  directory = Path(directory).absolute()
  if directory in _held:
    return
  directory.mkdir(parents=True, exist_ok=True)
  descriptor = os.open(directory, os.O_RDONLY)
  try:
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
  except BlockingIOError:
    holder = holder_of(descriptor)
    os.close(descriptor)
    raise Busy(f'{flag}={directory} is in use by {holder}; wait for it to end or stop '
               f'it, or give another {flag}') from None
  _held[directory] = descriptor


def holder_of(descriptor: int) -> str:
  """'process PID (its command line)' of the flock on descriptor's file, from
  /proc/locks (Linux); 'another process' where that cannot be read."""
  status = os.fstat(descriptor)
  device = f'{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino}'
  try:
    lines = Path('/proc/locks').read_text().splitlines()
  except OSError:
    return 'another process'
  for line in lines:
    fields = line.split()
    # "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; waiting entries start "->".
    if len(fields) >= 6 and fields[1] == 'FLOCK' and fields[5] == device:
      pid = fields[4]
      try:
        command = Path(f'/proc/{pid}/cmdline').read_bytes().replace(b'\0', b' ')
        one_line = ' '.join(command.decode(errors='replace').split())[:200]
        return f'process {pid} ({one_line})'
      except OSError:
        return f'process {pid}'
  return 'another process'
