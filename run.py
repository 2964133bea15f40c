"""Neural GPU experiments from the command line.

    python run.py --task=badd --length=41 --num_examples=5

Until the model lands this prints decoded examples of the chosen task. Every error a
user can cause ends in one line on stderr and exit status 2.
"""
import sys

from absl import app, flags

import tasks

FLAGS = flags.FLAGS
flags.DEFINE_string('task', 'badd', f'Task to use, one of: {", ".join(tasks.names())}.')
flags.DEFINE_integer('length', 21, 'Input length of the examples shown.')
flags.DEFINE_integer('num_examples', 5, 'How many examples to show.')
flags.DEFINE_integer('seed', 0, 'Seed of the example generator.')


class UsageError(Exception):
  """A mistake in what the user asked for: reported in one line, exit status 2."""


def fail(message: str) -> None:
  print(f'run.py: error: {message}', file=sys.stderr)
  sys.exit(2)


def parse_flags(argv):
  try:
    return FLAGS(argv)
  except flags.Error as error:
    fail(str(error))
  except SystemExit as done:  # absl exits 1 after printing --help/--helpfull
    sys.exit(0 if done.code == 1 else done.code)


def check_request():
  """Validates every flag before any work, turning API errors into usage errors."""
  try:
    task = tasks.get(FLAGS.task)
  except ValueError as error:
    raise UsageError(f'--task: {error}') from None
  try:
    task.check_length(FLAGS.length)
  except ValueError as error:
    raise UsageError(f'--length: {error}') from None
  if FLAGS.num_examples < 1:
    raise UsageError(f'--num_examples must be >= 1, got {FLAGS.num_examples}')
  if FLAGS.seed < 0:
    raise UsageError(f'--seed must be >= 0, got {FLAGS.seed}')
  return task


def show_examples(task):
  import numpy as np  # pylint: disable=import-outside-toplevel
  inputs, targets = task.sample(np.random.default_rng(FLAGS.seed), FLAGS.num_examples,
                                FLAGS.length)
  print(f'{task.name}, length {FLAGS.length}, seed {FLAGS.seed}:')
  for x, y in zip(inputs, targets):
    print(f'  {task.decode(x)}  ->  {task.decode(y)}')


def main(argv):
  if len(argv) > 1:
    fail(f'unexpected arguments {" ".join(argv[1:])}; every option is a --flag '
         '(see --helpfull)')
  try:
    task = check_request()
  except UsageError as error:
    fail(str(error))
  show_examples(task)


if __name__ == '__main__':
  app.run(main, flags_parser=parse_flags)
