"""A run's directory: config.json first, refusing to mix two configs in one workdir."""
import os
from pathlib import Path

from neuralgpu.config import Config, RetiredSetting, flag_text
from neuralgpu.runs import lock, memory, stored


def claim(workdir: Path, config: Config) -> None:
  """Checks that config can train in workdir (a usable directory, the same settings as
  a run there, memory enough) and takes its lock for the rest of this process;
  ValueError otherwise, with nothing written."""
  check(workdir, config)
  memory.training_fits(config)
  lock.hold(workdir)  # one writer per workdir, until this process ends


def prepare(workdir: Path, config: Config) -> None:
  """Creates workdir and writes config.json; ValueError (and no change) if the workdir
  is unusable or holds a run whose settings differ."""
  check(workdir, config)
  workdir = Path(workdir)
  try:
    workdir.mkdir(parents=True, exist_ok=True)
    config.save(workdir / 'config.json')
  except OSError as error:
    raise ValueError(f'--workdir={workdir} cannot be written ({error}); give a writable '
                     'directory') from None


def check(workdir: Path, config: Config) -> None:
  """ValueError if workdir is a file, cannot be written or holds a run whose settings
  differ; changes nothing."""
  workdir = Path(workdir)
  if workdir.exists() and not workdir.is_dir():
    raise ValueError(f'--workdir={workdir} is a file; give a directory (new or a run to resume)')
  existing = next(p for p in (workdir, *workdir.absolute().parents) if p.exists())
  if not existing.is_dir() or not os.access(existing, os.W_OK):
    raise ValueError(f'--workdir={workdir} cannot be written ({existing} is '
                     f'{"not a directory" if not existing.is_dir() else "read-only"}); give '
                     'a writable directory')
  if config.start_from and not stored.checkpoint_index(workdir, 'latest').exists():
    source, which = Path(config.start_from), config.start_from_checkpoint
    if not stored.checkpoint_index(source, which).is_file():
      raise ValueError(f'--start_from={source} holds no trained run with a {which} checkpoint; '
                       + ('give the --workdir of a run that has validated at least once'
                          if which == 'best' else 'give a run that has one (a stored run '
                          'keeps it if stored with --training_state), or '
                          '--start_from_checkpoint=best'))
  config_path = workdir / 'config.json'
  if config_path.exists():
    saved = read_config(config_path)
    differences = config.differences(saved)
    if differences:
      same = ' '.join(f'--{name}={flag_text(getattr(saved, name))}'
                      for name in config.differing(saved))
      raise ValueError(f'--workdir={workdir} holds a run with other settings: '
                       f'{"; ".join(differences)}. To resume it, give {same}; to train '
                       'these settings, give a new --workdir')


def load_config(workdir: Path) -> Config:
  """The config of a trained run in workdir; ValueError if there is none to use."""
  workdir = Path(workdir)
  if workdir.is_file():
    raise ValueError(f'--workdir={workdir} is a file; give the --workdir of a training run')
  if stored.is_stored(workdir):
    stored.manifest(workdir)  # refuses a damaged or incomplete stored run
  if not (workdir / 'config.json').is_file():
    raise ValueError(f'--workdir={workdir} holds no training run (no config.json); give '
                     'the --workdir of a training run')
  # The best checkpoint is saved at the first validation.
  if not stored.checkpoint_index(workdir).is_file():
    raise ValueError(f'--workdir={workdir} has no checkpoint yet (the first is saved at '
                     'the first validation); train first')
  return read_config(workdir / 'config.json')


def read_config(config_path: Path) -> Config:
  try:
    return Config.load(config_path)
  except RetiredSetting as error:
    raise ValueError(f'{config_path}: {error}') from None
  except (ValueError, TypeError) as error:  # bad JSON, unknown or missing fields
    raise ValueError(f'{config_path} is not a config written by run.py ({error}); '
                     'give the --workdir of a training run') from None
