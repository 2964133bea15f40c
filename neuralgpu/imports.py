"""User code for every entry point: --imports=MODULE,path/to/file.py imports modules that
register tasks (tasks.register) or presets (experiments.presets.preset) before anything
looks them up. The list is saved with a run, so what reads the run imports them too."""
import importlib
import importlib.util
import os
import sys
from pathlib import Path


def load(spec: str) -> None:
  """Imports each comma-separated module name (found from the current directory too) or
  .py file; ValueError naming the one that cannot be imported and why."""
  for entry in filter(None, (part.strip() for part in spec.split(','))):
    try:
      if entry.endswith('.py'):
        _load_file(Path(entry))
      else:
        if os.getcwd() not in sys.path:
          sys.path.append(os.getcwd())
        importlib.import_module(entry)
    except Exception as error:  # pylint: disable=broad-except  (the user's code)
      raise ValueError(f'--imports: {entry} cannot be imported ({type(error).__name__}: '
                       f'{error}); give module names or .py files, comma-separated') from None


def absolute(spec: str) -> str:
  """spec with its .py files as absolute paths, so that a run read from elsewhere finds
  them."""
  return ','.join(str(Path(entry).resolve()) if entry.endswith('.py') else entry
                  for entry in filter(None, (part.strip() for part in spec.split(','))))


_FILES_LOADED = {}  # resolved path -> module: a file is imported once per process


def _load_file(path: Path) -> None:
  path = path.resolve()
  if path in _FILES_LOADED:
    return
  if not path.is_file():
    raise FileNotFoundError(f'no file {path}')
  spec = importlib.util.spec_from_file_location(f'user_{path.stem}', path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  _FILES_LOADED[path] = module
