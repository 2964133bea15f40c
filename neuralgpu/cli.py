"""What the project's commands share: a mistake on the command line ends in one line
naming it, with exit status 2 and no traceback; so does a fault in training."""
import contextlib
import os
import re
import signal
import sys
import tempfile

from absl import app, flags, logging

from neuralgpu import config, faults


def fail(program: str, message: str, status: int = 2) -> None:
  print(f'{program}: error: {message}', file=sys.stderr)
  sys.exit(status)


@contextlib.contextmanager
def faults_in_one_line(program: str):
  """Ends the program in one line on a fault: an unusable checkpoint (exit status 2), a
  failed write, a diverged run or memory run out (1), SIGINT or SIGTERM (128 + the
  signal; in training, after a checkpoint is saved)."""
  signal.signal(signal.SIGTERM, faults.raise_interrupted)
  try:
    yield
  except faults.UnusableCheckpoint as error:
    fail(program, str(error))
  except faults.RunFailed as error:
    fail(program, str(error), status=1)
  except KeyboardInterrupt as stop:
    signum = getattr(stop, 'signum', signal.SIGINT)
    step, workdir = getattr(stop, 'step', None), getattr(stop, 'workdir', None)
    saved = f' at step {step} in {workdir}, its checkpoint saved' if step is not None else ''
    print(f'{program}: stopped by {signal.Signals(signum).name}{saved}; run the same '
          'command to go on', file=sys.stderr)
    sys.exit(128 + signum)
  except Exception as error:  # pylint: disable=broad-except  (re-raised unless memory)
    if not _out_of_memory(error):
      raise
    fail(program, 'ran out of memory; the checkpoints written so far are intact: free '
         'memory and run the same command to go on, or start a smaller run (--maps, '
         '--units, --batch_size, --max_length) in another --workdir', status=1)


def _out_of_memory(error: Exception) -> bool:
  """numpy's and Python's MemoryError, or TensorFlow's (if it is loaded)."""
  tf = sys.modules.get('tensorflow')
  return isinstance(error, MemoryError) or (
      tf is not None and isinstance(error, tf.errors.ResourceExhaustedError))


def int_list(program: str, name: str, values, low: int = 0) -> list[int]:
  """A list flag's values as integers >= low, or a one-line refusal."""
  try:
    numbers = [int(v) for v in values]
  except ValueError:
    numbers = []
  if not numbers or min(numbers) < low:
    fail(program, f'--{name}={",".join(values)} is not valid; give comma-separated '
         f'integers >= {low}')
  return numbers


def run(program: str, main, before=None, named=None) -> None:
  """Runs main() as the command `program`: a bad flag or a stray argument refused in
  one line (before(argv), if given, runs ahead of the flags' parse), so is a flag of
  named() ({flag: what it takes}) given empty; absl's logging at warnings (checkpoint
  chatter would drown the progress lines), and a fault ended in one line
  (faults_in_one_line)."""

  def checked(argv):
    if len(argv) > 1:
      fail(program, f'unexpected arguments {" ".join(argv[1:])}; every option is a --flag '
           '(see --helpfull)')
    refuse_empty(program, named() if named else {})
    logging.set_verbosity(logging.WARNING)
    with faults_in_one_line(program):
      main()

  app.run(checked, flags_parser=flags_parser(program, before))


def refuse_empty(program: str, named: dict) -> None:
  """Refuses in one line a flag of `named` ({flag: what it takes}: a file, directory,
  preset, task or model) given with an empty value: left so, it would fall back to its
  default unnoticed (--workdir= trained in the preset's default workdir) or fail far
  from the flag."""
  for name, takes in named.items():
    flag = flags.FLAGS[name]
    if flag.present and not flag.value:
      fail(program, f'--{name}= is empty; give {takes}')


def flags_parser(program: str, before=None):
  """A flags_parser for absl's app.run that refuses bad flags in one line; before(argv),
  if given, runs first. -h asks for help as --help does (absl knows only -? and
  --help)."""

  def parse(argv):
    argv = [argv[0]] + ['--help' if arg == '-h' else arg for arg in argv[1:]]
    if before:
      before(argv)
    try:
      return flags.FLAGS(argv)
    except flags.Error as error:
      fail(program, _valid_values(str(error)))
    except SystemExit as done:  # absl exits 1 after printing --help/--helpfull
      sys.exit(0 if done.code == 1 else done.code)

  return parse


# absl's message for a value that does not convert names no valid value.
_KINDS = {'bool': 'true or false (a boolean flag)', 'int': 'an integer',
          'float': 'a number (float)'}


def _valid_values(message: str) -> str:
  """absl's message, or for a value not of the flag's type, one saying what is valid."""
  unknown = re.fullmatch(r"Unknown command line flag '(?:no)?(\w+)'(\. Did you mean.*)?",
                         message)
  if unknown and unknown.group(1) in config.RETIRED:
    return (f'--{unknown.group(1)} is retired: it did not compute what the DNGPU code '
            'does; --model=dngpu (presets badd_dngpu, bmul_dngpu) does')
  match = re.fullmatch(r'flag --(\w+)=(.*?): .*', message)
  if not match or match.group(1) not in flags.FLAGS:
    return message
  name, value = match.groups()
  kind = flags.FLAGS[name].flag_type()
  if kind not in _KINDS or kind != 'bool' and _converts(value, kind):
    return message  # a number out of bounds: absl names the bounds
  return f'--{name}={value} is not valid; give {_KINDS[kind]}'


def _converts(value: str, kind: str) -> bool:
  try:
    {'int': int, 'float': float}[kind](value)
    return True
  except ValueError:
    return False


def import_tensorflow_quietly() -> None:
  """Imports TensorFlow with its start-up notices (absl's pre-init warning, oneDNN)
  held back: they would bury the one line of an error found after it starts. They are
  shown if the import fails."""
  if 'tensorflow' in sys.modules:
    return
  with tempfile.TemporaryFile() as held, os.fdopen(os.dup(2), 'wb') as stderr:
    sys.stderr.flush()
    os.dup2(held.fileno(), 2)
    try:
      import tensorflow  # pylint: disable=import-outside-toplevel,unused-import
    except BaseException:
      held.seek(0)
      stderr.write(held.read())
      raise
    finally:
      os.dup2(stderr.fileno(), 2)
