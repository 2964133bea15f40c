"""Neural GPU experiments from the command line.

    python run.py                                      # the README's recipe: binary
                                                       # addition in two stages, report
    python run.py --experiment=bmul --workdir=DIR      # a named preset; flags override
    python run.py --mode=decode --workdir=DIR --input='1011+110'
    python run.py --mode=eval --workdir=DIR[,DIR2,...] --eval_lengths=41,401,4001
    python run.py --mode=visualize --workdir=DIR --input='1011+110'
    python run.py --mode=trace --workdir=DIR --eval_lengths=2001,4001 --eval_examples=16
    python run.py --mode=examples --task=bmul --max_length=9

Every setting of neuralgpu.config.Config is a flag. Every error a user can cause ends
in one line on stderr and exit status 2. SIGINT and SIGTERM save a checkpoint and exit
with 128 + the signal; a failed write or a diverged run ends in one line and status 1.
"""
import dataclasses
import os
import re
from pathlib import Path


os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '1')  # TensorFlow's C++ INFO lines
# pylint: disable=wrong-import-position
import numpy as np
from absl import flags

import tasks
from experiments import presets, start_line
from neuralgpu import cli, imports, lengths, model_registry
from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate
from neuralgpu.runs import memory, stored
from neuralgpu.runs import workdir as workdirs
from neuralgpu.training import distribute


# pylint: enable=wrong-import-position

FLAGS = flags.FLAGS
VISUALIZE_MAX_LENGTH = 401  # its trace holds length x length states: 62 MB at 401
flags.DEFINE_enum('mode', 'train', ['train', 'eval', 'decode', 'visualize', 'trace',
                                    'examples'],
                  'train: train (or resume) in --workdir, then evaluate. eval: accuracy '
                  'by length and on hard inputs of the best checkpoint of each '
                  'comma-separated --workdir, into WORKDIR/eval (at other lengths or '
                  'examples than the run\'s own: WORKDIR/eval_lengths=..._examples=N). '
                  'decode: answer --input '
                  'with the model in --workdir. visualize: draw the state through the '
                  'steps on --input into WORKDIR/visualize.png. trace: per step, the '
                  'wrong symbols, the state and its gates on --eval_examples test '
                  'examples (or the inputs of --suite) at each --eval_lengths, one step at '
                  'a time (any length), into WORKDIR/trace. examples: print a few '
                  'examples of --task at --max_length.')
flags.DEFINE_string('experiment', presets.DEFAULT, 'Preset to start from (flags override '
                    'it); --experiment=list prints the presets with one line each.')
flags.DEFINE_string('workdir', None, 'Run directory (default: workdirs/EXPERIMENT, then '
                    '_SETTING=VALUE for each setting given that changes the preset, e.g. '
                    f'workdirs/{presets.DEFAULT}_seed=1 for --seed=1).')
flags.DEFINE_string('input', None, "--mode=decode and visualize: the question, e.g. "
                    "'1011+110'.")
flags.DEFINE_string('suite', None, '--mode=trace: the inputs of this hard-input suite of '
                    'the task (e.g. carry_chain) at each --eval_lengths, instead of '
                    '--eval_examples random test examples.')
flags.DEFINE_bool('suites', True, '--mode=eval: test on the hard-input suites too; '
                  '--nosuites: on the random test examples only (the suites hold over 100 '
                  'inputs at each length).')
flags.DEFINE_enum('checkpoint', 'best', ['best', 'latest'], '--mode=eval and decode: the '
                  'weights to test: best (chosen by validation) or latest (the final weights '
                  'of a finished run, as the DNGPU code tests its own; a stored run holds '
                  'them when stored with --training_state).')
flags.DEFINE_string('resume_from', None, 'Train on from the training state of this stored '
                    'run (python -m experiments.store --training_state) in a new --workdir '
                    '(default: workdirs/ and its name), with its settings.')
flags.DEFINE_string('stored_outputs', str(stored.STORED_OUTPUTS), 'Where reading a stored '
                    'run writes (evaluations, traces, drawings): into this directory\'s '
                    'NAME/ for the stored run NAME; a stored run itself is never written.')
# Flags of some modes only, refused by the others rather than ignored.
MODE_FLAGS = {'input': ('is the question', ('decode', 'visualize')),
              'suite': ('picks the inputs', ('trace',)),
              'suites': ('chooses the test sets', ('eval',)),
              'checkpoint': ('chooses the weights', ('eval', 'decode')),
              'resume_from': ('names the training state to go on from', ('train',)),
              'stored_outputs': ('places what reading a stored run writes',
                                 ('eval', 'visualize', 'trace'))}
flags.DEFINE_string('comparison_dir', 'workdirs/comparison',
                    '--mode=eval with several workdirs: where the joint table and plot go.')

_DEFINE = {bool: flags.DEFINE_bool, int: flags.DEFINE_integer,
           float: flags.DEFINE_float, str: flags.DEFINE_string}
for _field in dataclasses.fields(Config):
  _DEFINE[_field.type](_field.name, _field.default, _field.metadata['help'])


def valid_values(name: str):
  """The values a choice flag takes, or None."""
  if name == 'task':
    return tasks.names()
  if name == 'model':
    return model_registry.names()
  if name == 'experiment':
    return sorted(presets.PRESETS)
  return {f.name: f.metadata['choices'] for f in dataclasses.fields(Config)}.get(name)


def prepare_help(argv: list[str]) -> None:
  """Before the flags are parsed, so that --help and --helpfull show them: the modules of
  --imports imported, the defaults of --experiment's preset, and the valid values of
  every choice. A bad value is left for the parse and the run to report in one line."""
  given = dict(re.findall(r'^--(experiment|imports)=(.*)$', '\n'.join(argv[1:]), re.M))
  try:
    imports.load(given.get('imports', ''))
    for name, value in presets.get(given.get('experiment', presets.DEFAULT)).items():
      FLAGS.set_default(name, value)
  except ValueError:
    pass
  for name in ('experiment', *(f.name for f in dataclasses.fields(Config))):
    values = valid_values(name)
    if values and 'Valid:' not in FLAGS[name].help:
      FLAGS[name].help += f' Valid: {", ".join(values)}.'


def fail(message: str) -> None:
  cli.fail('run.py', message)


def named_flags() -> dict:
  """What each flag that names a file, directory, preset, task or model takes: given
  empty, it is refused (cli.refuse_empty). --input= has its own refusal, with an
  example of the task's questions."""
  optional = ', or leave the flag out'
  return {
      'experiment': f'a preset: {", ".join(sorted(presets.PRESETS))} (--experiment=list '
                    'describes them)',
      'workdir': 'a run directory (comma-separated ones for --mode=eval); left out, '
                 'training goes into workdirs/ under the preset\'s name',
      'task': f'a task: {", ".join(tasks.names())}',
      'model': f'a model: {", ".join(model_registry.names())}',
      'imports': 'comma-separated Python modules or .py files' + optional,
      'start_from': 'the workdir of a trained run' + optional,
      'start_from_preset': 'a preset to train first (--experiment=list)' + optional,
      'resume_from': 'a stored run\'s directory (python -m experiments.store)',
      'stored_outputs': 'a directory',
      'comparison_dir': 'a directory',
      'suite': 'a hard-input suite of the task, e.g. carry_chain',
  }


def given_settings() -> dict:
  """The settings given as flags on the command line."""
  return {f.name: FLAGS[f.name].value for f in dataclasses.fields(Config)
          if FLAGS[f.name].present}


def trained_run(workdir: str, mode: str):
  """(config, workdir) of a trained run; ValueError if there is none, or if it has no
  latest checkpoint that --checkpoint=latest asks for."""
  if not workdir:
    raise ValueError(f'{mode} needs --workdir=DIR of a trained run')
  config = workdirs.load_config(Path(workdir))
  if FLAGS.checkpoint == 'latest' and not stored.checkpoint_index(workdir, 'latest').is_file():
    raise ValueError(f'--checkpoint=latest: {workdir} holds no latest checkpoint (a stored '
                     'run holds it only when stored with --training_state); give '
                     '--checkpoint=best')
  return config, Path(workdir)


def with_eval_flags(config: Config) -> Config:
  """The run's config with --eval_lengths, --eval_examples and --eval_step_factor
  where they are given."""
  overrides = {name: FLAGS[name].value
               for name in ('eval_lengths', 'eval_examples', 'eval_step_factor')
               if FLAGS[name].present}
  return dataclasses.replace(config, **overrides).validate()


def check_draws_state(config: Config, workdir: Path) -> None:
  if not model_registry.get(config.model).draws_state:
    drawn = [n for n in model_registry.names() if model_registry.get(n).draws_state]
    raise ValueError(f'--mode={FLAGS.mode} follows the state of --model={" or ".join(drawn)}; '
                     f'{workdir} holds a --model={config.model} run')


def eval_runs():
  """([(workdir, config)] for each --workdir, lengths, examples per length): every run
  is tested on the first run's report lengths unless --eval_lengths gives them."""
  names = (FLAGS.workdir or '').split(',')
  if '' in names:
    raise ValueError(f'--workdir={FLAGS.workdir or ""!r} is not valid; give one or more '
                     'comma-separated workdirs of trained runs')
  runs = []
  for name in names:
    config, workdir = trained_run(name, '--mode=eval')
    runs.append((workdir, with_eval_flags(config)))
  task_names = sorted({config.task for _, config in runs})
  if len(task_names) > 1:
    raise ValueError(f'--workdir runs learn different tasks ({", ".join(task_names)}); '
                     'compare runs of one task')
  comparison = Path(FLAGS.comparison_dir)
  if len(runs) > 1 and comparison.exists() and not comparison.is_dir():
    raise ValueError(f'--comparison_dir={comparison} is a file; give a directory')
  reported = lengths.to_report(runs[0][1])
  for _, config in runs:
    memory.evaluation_fits(config, reported)
  return runs, reported, runs[0][1].eval_examples


def resumed_run():
  """(config, workdir) of --resume_from: the stored run's settings (those that only
  steer the run, like --max_steps, may be given) in a new --workdir, its training state
  copied there; or in a --workdir that was resumed so before, going on there."""
  source = Path(FLAGS.resume_from)
  if FLAGS['experiment'].present:
    raise ValueError('--experiment and --resume_from: a resumed run keeps the stored run\'s '
                     'settings; give one of them')
  if not stored.is_stored(source):
    raise ValueError(f'--resume_from={source} is not a stored run (no {stored.MANIFEST}); '
                     'give a directory written by python -m experiments.store')
  stored.manifest(source)
  saved = workdirs.read_config(source / 'config.json')
  config = dataclasses.replace(saved, **given_settings()).validate()
  if config.differences(saved):
    raise ValueError(f'--resume_from={source}: a resumed run keeps its settings, and '
                     f'{"; ".join(config.differences(saved))} would change them')
  workdir = Path(FLAGS.workdir or Path('workdirs') / source.resolve().name)
  resumed_before = (workdir / 'config.json').is_file()
  if not resumed_before and workdir.is_dir() and any(workdir.iterdir()):
    raise ValueError(f'--workdir={workdir} is not empty and holds no run; give a new '
                     '--workdir to resume the stored run in')
  workdirs.claim(workdir, config)
  if not resumed_before:
    stored.resume_into(source, workdir)
  print(start_line.start_line(str(source), config, workdir, stored=True), flush=True)
  if resumed_before:
    print(f'{workdir} holds the run already: going on from its own checkpoints', flush=True)
  return config, workdir


# What --mode=examples shows depends on: the rest of a preset (e.g. the default's bins,
# which end at its own --max_length) would refuse a --max_length given to look at.
EXAMPLE_SETTINGS = ('imports', 'task', 'max_length', 'seed', 'target_form', 'hard_sampler')
# Taken from the preset only with its task: another task may not have them.
FORM_OF_TASK = ('target_form', 'hard_sampler')


def examples_config() -> Config:
  """--mode=examples: the task of --experiment's preset (with its form of targets and
  hard sampler) or of --task, at --max_length; every setting given is checked alone."""
  given = given_settings()
  if given.get('imports'):
    imports.load(given['imports'])
  preset = presets.get(FLAGS.experiment)
  if 'task' in given:
    preset = {k: v for k, v in preset.items() if k not in FORM_OF_TASK}
  values = {**dataclasses.asdict(Config()), **preset, **given}
  Config(**values).validate_values()
  return Config(**{name: values[name] for name in EXAMPLE_SETTINGS}).validate()


def show_examples(config: Config, count: int = 5) -> None:
  task = config.get_task()
  length = config.max_length
  inputs, targets = task.sample(np.random.default_rng(config.seed), count, length)
  print(f'{task.name}, length {length}, seed {config.seed}:')
  for x, y in zip(inputs, targets):
    print(f'  {task.decode(x)}  ->  {task.decode(y)}')


def main():
  if FLAGS.experiment == 'list':
    try:
      imports.load(FLAGS.imports)  # their presets are listed too
    except ValueError as error:
      fail(str(error))
    print(presets.listing())
    return
  # Everything a user can get wrong is checked here, before any work.
  try:
    for flag, (use, modes) in MODE_FLAGS.items():
      if FLAGS[flag].present and FLAGS.mode not in modes:
        raise ValueError(f'--{flag} {use} of --mode={" and ".join(modes)}; '
                         f'--mode={FLAGS.mode} does not take it')
    if FLAGS.mode in ('decode', 'visualize'):
      config, workdir = trained_run(FLAGS.workdir, f'--mode={FLAGS.mode}')
      if FLAGS.input is None:
        raise ValueError(f"--mode={FLAGS.mode} needs --input, e.g. --input='1011+110'")
      if FLAGS.mode == 'visualize':
        check_draws_state(config, workdir)
      task = config.get_task()
      try:
        text = task.canonical(FLAGS.input)
        question = task.encode(text)
      except ValueError as error:
        raise ValueError(f'--input: {error}') from None
      memory.evaluation_fits(config, [len(question)])
      if FLAGS.mode == 'visualize' and len(question) > VISUALIZE_MAX_LENGTH:
        raise ValueError(f'--input is {len(question)} symbols long; --mode=visualize keeps '
                         f'every step in memory and draws inputs of up to '
                         f'{VISUALIZE_MAX_LENGTH} symbols')
    elif FLAGS.mode == 'eval':
      runs, eval_lengths, examples = eval_runs()
    elif FLAGS.mode == 'trace':
      config, workdir = trained_run(FLAGS.workdir, '--mode=trace')
      check_draws_state(config, workdir)
      config = with_eval_flags(config)
      memory.evaluation_fits(config, lengths.to_report(config))
      traced = evaluate.example_sets(config.get_task(), lengths.to_report(config),
                                     config.eval_examples, FLAGS.suite)
    elif FLAGS.resume_from:
      config, workdir = resumed_run()
      earlier = ()  # read from the stored first stage's config.json, if it trains
    elif FLAGS.mode == 'examples':
      show_examples(examples_config())
      return
    else:
      config = presets.config(FLAGS.experiment, given_settings())
      distribute.check(config, distribute.visible_gpus())
      workdir = distribute.worker_workdir(Path(
          FLAGS.workdir or presets.default_workdir(FLAGS.experiment, given_settings())),
          config)
      workdirs.claim(workdir, config)
      earlier = presets.earlier_stages(config)
      print(start_line.start_line(FLAGS.experiment, config, workdir, earlier),
            flush=True)
    stored.STORED_OUTPUTS = Path(FLAGS.stored_outputs)
  except ValueError as error:
    fail(str(error))
  cli.import_tensorflow_quietly()
  from neuralgpu.runs import actions  # pylint: disable=import-outside-toplevel

  # A checkpoint that cannot be used is found before anything is written.
  if FLAGS.mode == 'decode':
    actions.decode(config, workdir, text, question, FLAGS.checkpoint)
  elif FLAGS.mode == 'visualize':
    actions.draw_state(config, workdir, text, question)
  elif FLAGS.mode == 'eval':
    actions.evaluate_runs(runs, eval_lengths, examples, Path(FLAGS.comparison_dir),
                           suites=FLAGS.suites, checkpoint=FLAGS.checkpoint)
  elif FLAGS.mode == 'trace':
    actions.trace_states(config, workdir, traced, FLAGS.suite or 'random')
  else:
    try:
      trainer = actions.start_training(config, workdir, earlier)
    except ValueError as error:  # a checkpoint or workdir that cannot be used
      fail(str(error))
    actions.train_and_report(trainer)


if __name__ == '__main__':
  cli.run('run.py', main, before=prepare_help, named=named_flags)
