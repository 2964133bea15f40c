"""What a long run must survive: signals, damaged checkpoints, full disks, NaNs.

The exceptions that end a run with one line, SIGINT/SIGTERM held back to the end of a
training step, and restoring the newest checkpoint that can be read. TensorFlow is
imported only inside the functions that need it: run.py reads this module before.
"""
import contextlib
import gc
import logging
import os
import re
import signal
import threading
from pathlib import Path


class UnusableCheckpoint(ValueError):
  """No checkpoint of the run can be restored: missing, damaged or of another model."""


class RunFailed(RuntimeError):
  """Training cannot go on; what it saved before is intact."""


class WriteFailed(RunFailed):
  """A write failed (a full disk, a quota, a file-size limit)."""


class Diverged(RunFailed):
  """The loss stays NaN or Inf after going back to the last checkpoint, again and again."""


class Interrupted(KeyboardInterrupt):
  """SIGINT or SIGTERM; `step` is that of the checkpoint saved on the way out, if any,
  in `workdir` (a two-stage run's first stage has its own)."""

  def __init__(self, signum: int, step=None, workdir=None):
    super().__init__(signal.Signals(signum).name)
    self.signum, self.step, self.workdir = signum, step, workdir


@contextlib.contextmanager
def signals_deferred():
  """Within, SIGINT and SIGTERM are only recorded in the yielded list, for the trainer to
  act on between steps: stopping mid-step could leave the state half updated."""
  received = []
  if threading.current_thread() is not threading.main_thread():
    yield received  # only the main thread may set handlers; signals go there anyway
    return
  # A signal ignored on purpose (nohup, a background job of a script) stays ignored.
  previous = {s: signal.signal(s, lambda signum, _: received.append(signum))
              for s in (signal.SIGINT, signal.SIGTERM)
              if signal.getsignal(s) is not signal.SIG_IGN}
  try:
    yield received
  finally:
    for number, handler in previous.items():
      signal.signal(number, handler)


def raise_interrupted(signum, _frame):
  """A handler for SIGTERM outside training: stop as Ctrl-C does."""
  raise Interrupted(signum)


@contextlib.contextmanager
def writing(what: str):
  """Turns a failed write of `what` into WriteFailed, with the system's reason."""
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  try:
    yield
  except OSError as error:
    raise WriteFailed(f'could not write {what}: {error.strerror or error}') from None
  except tf.errors.OpError as error:
    reason = re.sub(r'\{\{.*?\}\}\s*', '', error.message.splitlines()[0])  # op names
    raise WriteFailed(f'could not write {what}: {reason}') from None


def write_whole(path: Path, text: str) -> None:
  """Writes a temporary file, then renames it: a kill mid-write leaves the old file or
  none, never half of one."""
  temporary = path.with_name(path.name + '.tmp')
  temporary.write_text(text)
  os.replace(temporary, path)


def restore(checkpoint, model, paths, workdir) -> list:
  """Restores the newest of `paths` (oldest first) that can be read and holds every
  variable of `model`; returns [(each newer path, why it was skipped)].
  UnusableCheckpoint if none can."""
  skipped = []
  for path in reversed(paths):
    why = why_not_restored(checkpoint, model, path)
    if why is None:
      return skipped
    skipped.append((path, why))
  reasons = '; '.join(f'{path}: {why}' for path, why in skipped) or 'none is listed'
  # What a failed restore left warns when deleted, at exit: after the line that says why.
  _tensorflow_logger().setLevel(logging.ERROR)
  raise UnusableCheckpoint(f'--workdir={workdir}: no checkpoint can be used ({reasons}); '
                           'put back its files, or start a new run in another --workdir')


def why_not_restored(checkpoint, model, path):
  """None if path restored into checkpoint, else why not."""
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  if not tf.io.gfile.exists(f'{path}.index'):
    return 'checkpoint missing'
  # A failed restore leaves objects whose deletion warns for lines on end.
  logger = _tensorflow_logger()
  level = logger.level
  logger.setLevel(logging.ERROR)
  try:
    checkpoint.restore(path).expect_partial()
    # Variables not in the checkpoint would keep their random initial values.
    tf.train.Checkpoint(model=model).restore(path).expect_partial() \
        .assert_existing_objects_matched()
  except (ValueError, AssertionError) as error:
    return f"checkpoint does not match this run's model ({_first_line(error)})"
  except Exception as error:  # pylint: disable=broad-except  (any reader error: damaged)
    return f'checkpoint cannot be read ({type(error).__name__}: {_first_line(error)})'
  finally:
    gc.collect()
    logger.setLevel(level)
  return None


def _tensorflow_logger():
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  return tf.get_logger()


def _first_line(error: Exception, limit: int = 160) -> str:
  line = (str(error).strip().splitlines() or [''])[0]
  return line if len(line) <= limit else line[:limit] + '...'
