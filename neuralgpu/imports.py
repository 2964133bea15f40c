"""User code for every entry point: --imports=MODULE,path/to/file.py imports modules that
register tasks (tasks.register) or presets (experiments.presets.preset) before anything
looks them up. The list is saved with a run, so what reads the run imports them too."""
import importlib
import importlib.util
import os
import sys
import traceback
from pathlib import Path


class _NotFound(Exception):
  """An --imports entry that names no module or file."""


def load(spec: str) -> None:
  """Imports each comma-separated module name (found from the current directory too) or
  .py file; ValueError in one line naming the entry that is not found, or the error its
  code raised and the line of the entry's file that raised it."""
  for entry in filter(None, (part.strip() for part in spec.split(','))):
    source = None
    try:
      source = _source(entry)
      if entry.endswith('.py'):
        _load_file(source)
      else:
        importlib.import_module(entry)
    except _NotFound as missing:
      raise ValueError(f'--imports: {entry} is not found ({missing}); give module names '
                       '(found from the current directory) or .py files, comma-separated'
                       ) from None
    except Exception as error:  # pylint: disable=broad-except  (the user's code)
      # The module was found, so the fault is in its code: say which error, and where.
      raise ValueError(f'--imports: {entry}{_line_of(error, source)} raised '
                       f'{type(error).__name__}: {_one_line(error)}') from None


def absolute(spec: str) -> str:
  """spec with its .py files as absolute paths, so that a run read from elsewhere finds
  them."""
  return ','.join(str(Path(entry).resolve()) if entry.endswith('.py') else entry
                  for entry in filter(None, (part.strip() for part in spec.split(','))))


def _source(entry: str) -> Path | None:
  """The file of a .py entry or of a module name (None for a namespace package);
  _NotFound if there is none."""
  if entry.endswith('.py'):
    path = Path(entry).resolve()
    if not path.is_file():
      raise _NotFound(f'no file {path}')
    return path
  if os.getcwd() not in sys.path:
    sys.path.append(os.getcwd())
  try:
    found = importlib.util.find_spec(entry)
  except ModuleNotFoundError as error:  # a package of its dotted name is missing
    raise _NotFound(error) from None
  if found is None:
    raise _NotFound(f'No module named {entry!r}')
  return Path(found.origin).resolve() if found.has_location else None


_FILES_LOADED = {}  # resolved path -> module: a file is imported once per process


def _load_file(path: Path) -> None:
  if path in _FILES_LOADED:
    return
  spec = importlib.util.spec_from_file_location(f'user_{path.stem}', path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  _FILES_LOADED[path] = module


def _line_of(error: Exception, source: Path | None) -> str:
  """' line N': the last line of `source` in the error's traceback (its own code, or
  the call into ours that refused), or '' if it has none."""
  lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
           if source and Path(frame.filename) == source]
  if isinstance(error, SyntaxError) and source and error.filename:
    lines = [error.lineno] if Path(error.filename).resolve() == source else lines
  return f' line {lines[-1]}' if lines else ''


def _one_line(error: Exception) -> str:
  """The error's message on one line, as the commands print every error."""
  return ' '.join(line.strip() for line in str(error).splitlines() if line.strip())
