"""The Neural GPU against the LSTM and GRU baselines, under one protocol.

    python -m experiments.compare --task=badd

trains the task's Neural GPU preset and its four baselines (`badd`, `badd_lstm`,
`badd_lstm_seq2seq`, `badd_gru`, `badd_gru_seq2seq`) into
workdirs/compare_badd/PRESET_seedS with the same trainer, data and curriculum, then tests
the best checkpoint of each on the same held-out examples at 1, 2, 10 and 100 times the
training length, and writes comparison.md and comparison.json beside them. Running it
again resumes unfinished runs and reuses finished runs and their results.

    python -m experiments.compare --runs=results/RUN_A,workdirs/RUN_B --root=DIR

compares runs trained already, workdirs or stored runs, the same way, training none.
"""
import dataclasses
import json
import os
from pathlib import Path


os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '1')  # TensorFlow's C++ INFO lines
# pylint: disable=wrong-import-position
from absl import flags

import tasks
from experiments import presets
from neuralgpu import cli, imports, model_registry
from neuralgpu.evaluation import tables
from neuralgpu.runs import lock, memory, stored
from neuralgpu.runs import workdir as workdirs


# pylint: enable=wrong-import-position

FLAGS = flags.FLAGS
flags.DEFINE_string('imports', '', 'Modules (names or .py files) that register tasks or '
                    'presets, imported first.')
flags.DEFINE_string('task', 'badd', 'Compare the presets of this task: TASK (the Neural '
                    'GPU) and TASK_lstm, TASK_lstm_seq2seq, TASK_gru, TASK_gru_seq2seq.')
flags.DEFINE_list('experiments', [], 'Presets to compare instead (one task, one training '
                  'length).')
flags.DEFINE_list('runs', [], 'Trained runs to compare instead, as they are: workdirs or '
                  'stored runs (python -m experiments.store), of one task and training length.')
flags.DEFINE_list('seeds', ['0'], 'Seeds to train each preset with.')
flags.DEFINE_list('times', ['1', '2', '10', '100'], 'Test lengths, as multiples of the '
                  "training length's symbols (41 -> 81, 401, 4001 for 2, 10, 100).")
flags.DEFINE_integer('eval_examples', 64, 'Held-out test examples per length.')
flags.DEFINE_integer('max_steps', None, "Every run's training budget instead of the "
                     "presets' (for a comparison within a time budget).")
flags.DEFINE_string('root', None, 'Where the runs and the comparison go (default: '
                    'workdirs/compare_TASK).')

PROGRAM = 'experiments.compare'


def fail(message: str) -> None:
  cli.fail(PROGRAM, message)


def line_up(task: str) -> list[str]:
  """The presets compared for a task: its Neural GPU and its four baselines."""
  return [task] + [f'{task}_{m}{form}' for m in ('lstm', 'gru') for form in ('', '_seq2seq')]


def plan():
  """[(preset, seed, config, workdir)], test lengths; everything checked before work."""
  try:
    imports.load(FLAGS.imports)  # their presets are compared like the others
  except ValueError as error:
    fail(str(error))
  if FLAGS.runs:
    return trained_runs()
  names = FLAGS.experiments or line_up(FLAGS.task)
  missing = sorted(set(names) - set(presets.PRESETS))
  if not FLAGS.experiments and missing:
    complete = [t for t in presets.PRESETS if set(line_up(t)) <= set(presets.PRESETS)]
    fail(f'--task={FLAGS.task} lacks the presets {", ".join(missing)}; tasks that have '
         f'them all: {", ".join(complete)} (or name presets with --experiments)')
  seeds = cli.int_list(PROGRAM, 'seeds', FLAGS.seeds)
  times = cli.int_list(PROGRAM, 'times', FLAGS.times, low=1)
  if FLAGS.eval_examples < 1:
    fail(f'--eval_examples={FLAGS.eval_examples} is not valid; give an integer >= 1')
  root = Path(FLAGS.root or f'workdirs/compare_{FLAGS.task}')
  runs = []
  try:
    for name in names:
      for seed in seeds:
        given = {'seed': seed, 'imports': FLAGS.imports}
        if FLAGS.max_steps is not None:
          given['max_steps'] = FLAGS.max_steps
        runs.append((name, seed, presets.config(name, given), root / f'{name}_seed{seed}'))
    shapes = {(config.task, config.max_length) for _, _, config, _ in runs}
    if len(shapes) > 1:
      raise ValueError(f'--experiments {", ".join(names)} train on different tasks or '
                       'lengths; compare presets of one task and one max_length')
    task, max_length = shapes.pop()
    for _, _, config, workdir in runs:  # all of them before any is written
      workdirs.check(workdir, config)
      memory.training_fits(config)
    lock.hold(root, '--root')  # one comparison per root; each run also locks its workdir
    for _, _, config, workdir in runs:
      workdirs.prepare(workdir, config)
  except ValueError as error:
    fail(str(error))
  task = tasks.get(task)
  return runs, [task.scaled_length(max_length, t) for t in times], times, root


def trained_runs():
  """plan() for --runs: [(name, seed, config, workdir)] of runs trained already."""
  if FLAGS.experiments or FLAGS['seeds'].present or FLAGS.max_steps is not None:
    fail('--runs compares runs as they are; --experiments, --seeds and --max_steps choose '
         'runs to train: give one or the other')
  times = cli.int_list(PROGRAM, 'times', FLAGS.times, low=1)
  if FLAGS.eval_examples < 1:
    fail(f'--eval_examples={FLAGS.eval_examples} is not valid; give an integer >= 1')
  try:
    runs = [(Path(run).name, config.seed, config, Path(run))
            for run, config in ((run, workdirs.load_config(Path(run))) for run in FLAGS.runs)]
  except ValueError as error:
    fail(f'--runs: {error}')
  shapes = {(config.task, config.max_length) for _, _, config, _ in runs}
  if len(shapes) > 1:
    fail(f'--runs {", ".join(FLAGS.runs)} learned different tasks or lengths; compare runs '
         'of one task and one max_length')
  task, max_length = shapes.pop()
  root = Path(FLAGS.root or f'workdirs/compare_{task}')
  try:
    lock.hold(root, '--root')
  except ValueError as error:
    fail(str(error))
  task = tasks.get(task)
  return runs, [task.scaled_length(max_length, t) for t in times], times, root


def model_name(config) -> str:
  return model_registry.get(config.model).describe(config)


def table(results, lengths, times) -> str:
  header = (['preset', 'model', 'seed', 'training steps', 'curriculum reached',
             'training time'] +
            [f'length {n} ({t}×)' for n, t in zip(lengths, times)])
  rows = [[r['preset'], r['model'], str(r['seed']), f'{r["steps"]:,} ({r["stopped"]})',
           str(r['curriculum_length']), f'{r["train_seconds"]:,.0f} s'] +
          [tables.sequences_right(row) for row in r['rows']] for r in results]
  return tables.markdown(header, rows, text_columns=2)


def main():
  runs, lengths, times, root = plan()
  from neuralgpu.runs import actions  # pylint: disable=import-outside-toplevel  (imports TensorFlow)
  results = []
  for name, seed, config, workdir in runs:
    print(f'=== {name}, seed {seed}: {model_name(config)} in {workdir}', flush=True)
    trained = (stored.trained_summary(workdir) if FLAGS.runs else
               actions.train_only(config, workdir, presets.earlier_stages(config)))
    scores = actions.accuracy_by_length(config, workdir, lengths, FLAGS.eval_examples)
    results.append({'preset': name, 'model': model_name(config), 'seed': seed,
                    'workdir': str(workdir), **trained,
                    'checkpoint_step': scores['checkpoint_step'], 'rows': scores['lengths'],
                    'eval_seconds': scores['seconds'], 'config': dataclasses.asdict(config)})
  summary = table(results, lengths, times)
  (root / 'comparison.md').write_text(
      f'Sequence accuracy of the best checkpoint on {FLAGS.eval_examples} held-out test '
      f'examples per length.\n\n{summary}\n')
  (root / 'comparison.json').write_text(json.dumps(results, indent=2) + '\n')
  print(f'\n{summary}\n\nwritten to {root / "comparison.md"}')


if __name__ == '__main__':
  cli.run(PROGRAM, main)
