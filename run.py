"""Neural GPU experiments from the command line.

    python run.py                                      # train binary addition, report
    python run.py --experiment=bmul --workdir=DIR      # a named preset; flags override
    python run.py --mode=decode --workdir=DIR --input='1011+110'
    python run.py --mode=examples --task=bmul --max_length=9

Every setting of neuralgpu.config.Config is a flag. Every error a user can cause ends
in one line on stderr and exit status 2.
"""
import dataclasses
import os
import sys
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '1')  # TensorFlow's C++ INFO lines
# pylint: disable=wrong-import-position
import numpy as np
from absl import app, flags, logging

import tasks
from experiments import presets
from neuralgpu import workdir as workdirs
from neuralgpu.config import Config
# pylint: enable=wrong-import-position

FLAGS = flags.FLAGS
flags.DEFINE_enum('mode', 'train', ['train', 'decode', 'examples'],
                  'train: train (or resume) in --workdir, then report accuracy by '
                  'length. decode: answer --input with the model in --workdir. '
                  'examples: print a few examples of --task at --max_length.')
flags.DEFINE_string('experiment', 'badd', f'Preset: {", ".join(sorted(presets.PRESETS))}.')
flags.DEFINE_string('workdir', None, 'Run directory (default: workdirs/EXPERIMENT).')
flags.DEFINE_string('input', None, "--mode=decode: the question, e.g. '1011+110'.")

_DEFINE = {bool: flags.DEFINE_bool, int: flags.DEFINE_integer,
           float: flags.DEFINE_float, str: flags.DEFINE_string}
for _field in dataclasses.fields(Config):
  _DEFINE[_field.type](_field.name, _field.default, _field.metadata['help'])


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


def config_from_flags() -> Config:
  """Defaults, then the preset, then the flags given on the command line."""
  values = dataclasses.asdict(Config())
  values.update(presets.get(FLAGS.experiment))
  values.update({f.name: FLAGS[f.name].value for f in dataclasses.fields(Config)
                 if FLAGS[f.name].present})
  return Config(**values).validate()


def show_examples(config: Config, count: int = 5) -> None:
  task = tasks.get(config.task)
  length = task.lengths(task.min_length, config.max_length)[-1]
  inputs, targets = task.sample(np.random.default_rng(config.seed), count, length)
  print(f'{task.name}, length {length}, seed {config.seed}:')
  for x, y in zip(inputs, targets):
    print(f'  {task.decode(x)}  ->  {task.decode(y)}')


def main(argv):
  logging.set_verbosity(logging.WARNING)  # checkpoint chatter drowns the progress lines
  if len(argv) > 1:
    fail(f'unexpected arguments {" ".join(argv[1:])}; every option is a --flag '
         '(see --helpfull)')
  # Everything a user can get wrong is checked here, before any work.
  try:
    if FLAGS.mode == 'decode':
      if FLAGS.workdir is None or FLAGS.input is None:
        raise ValueError('--mode=decode needs --workdir=DIR of a trained run and --input')
      workdir = Path(FLAGS.workdir)
      config = workdirs.load_config(workdir)
      task = tasks.get(config.task)
      try:
        text = task.canonical(FLAGS.input)
        question = task.encode(text)
      except ValueError as error:
        raise ValueError(f'--input: {error}') from None
    else:
      config = config_from_flags()
      if FLAGS.mode == 'examples':
        show_examples(config)
        return
      workdir = Path(FLAGS.workdir or f'workdirs/{FLAGS.experiment}')
      workdirs.prepare(workdir, config)
  except ValueError as error:
    fail(str(error))
  from neuralgpu import commands  # pylint: disable=import-outside-toplevel  (imports TensorFlow)
  if FLAGS.mode == 'decode':
    commands.decode(config, workdir, text, question)
  else:
    commands.train_and_report(config, workdir)


if __name__ == '__main__':
  app.run(main, flags_parser=parse_flags)
