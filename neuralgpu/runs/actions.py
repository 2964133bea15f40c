"""What a run does for run.py's modes, the API and experiments.compare, once their
arguments are checked: train, evaluate, decode, draw and trace."""
import dataclasses
import json
import resource
import time
from pathlib import Path

import numpy as np

from neuralgpu import faults, lengths, threads
from neuralgpu.evaluation import evaluate, report, state_trace, tables, visualize
from neuralgpu.models.base import predictor
from neuralgpu.runs import eval_cache, lock, stored
from neuralgpu.runs.workdir import load_config
from neuralgpu.training import checkpoints, distribute
from neuralgpu.training.train import Trainer
from neuralgpu.training.train_state import WHY_FINISHED


def start_training(config, workdir: Path, earlier_stages=()) -> Trainer:
  """The trainer of the run in workdir, resumed from its latest usable checkpoint;
  UnusableCheckpoint with nothing in the workdir changed; lock.Busy if another process
  writes there."""
  lock.hold(workdir)
  trainer = Trainer(config, workdir, earlier_stages)
  trainer.saves.resume()
  return trainer


def train_and_report(trainer: Trainer) -> None:
  start = time.time()
  step = trainer.train()
  print(f'trained to step {step} in {time.time() - start:.0f} s', flush=True)
  config, workdir = trainer.config, trainer.workdir
  if not distribute.is_chief(config):
    return  # the chief evaluates
  evaluate_runs([(workdir, config)], lengths.to_report(config), config.eval_examples)


def train_only(config, workdir: Path, earlier_stages=()) -> dict:
  """Trains (or resumes) the run in workdir (earlier_stages: as Trainer takes them); its
  steps, why it stopped, the curriculum length it reached, its training wall time over
  every session."""
  lock.hold(workdir)
  trainer = Trainer(config, workdir, earlier_stages)
  trainer.train()
  return {'steps': int(trainer.state.step),
          'stopped': WHY_FINISHED.get(int(trainer.state.finished), 'step budget'),
          'curriculum_length': int(trainer.state.curriculum_length),
          'train_seconds': round(float(trainer.state.seconds), 1)}


def accuracy_by_length(config, workdir: Path, at_lengths, count: int) -> dict:
  """The best checkpoint's result by length on random test examples: a saved evaluation
  that still holds (eval_cache.saved), else evaluated and written without the hard
  suites (at 100 times the training length they would cost more than the random
  examples)."""
  return (eval_cache.saved(workdir, at_lengths, count, suites=False,
                          step_factor=config.eval_step_factor) or
          evaluate_runs([(workdir, config)], at_lengths, count, suites=False)[0])


def evaluate_runs(runs, lengths, count: int, comparison_dir: Path = None,
                  suites: bool = True, checkpoint: str = 'best') -> list[dict]:
  """Evaluates each (workdir, config) run's best checkpoint (checkpoint='latest': its
  latest) on the same test sets (and the task's hard suites, unless suites is False);
  writes its eval_dir for each and, for several runs, a joint table and plot in
  comparison_dir. Returns the results."""
  results = []
  threads.configure(runs[0][1])  # before the checkpoints are read: TensorFlow starts then
  # Every checkpoint is read before anything is written, so a bad one changes nothing.
  best = [checkpoints.best_model(config, workdir, checkpoint) for workdir, config in runs]
  names = run_names([workdir for workdir, _ in runs])
  for (workdir, config), (model, step), name in zip(runs, best, names):
    start = time.time()
    task = config.get_task()
    print(f'{workdir}: {task.name}, {checkpoint} checkpoint (step {step}), {count} held-out '
          f'test examples per length' + (' and the hard suites' if suites else ''), flush=True)
    rows = evaluate.evaluate_lengths(predictor(model), task, config, lengths, count,
                                     progress=True, suites=suites)
    result = {'name': name, 'workdir': str(Path(workdir).resolve()),
              'task': task.name, 'checkpoint': checkpoint, 'checkpoint_step': step,
              'seed': config.seed,
              'test_seed': 0, 'config': dataclasses.asdict(config), 'lengths': rows,
              'seconds': round(time.time() - start, 1),
              'peak_memory_mib': round(
                  resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    directory = eval_cache.eval_dir(workdir, lengths, count, suites,
                                    config.eval_step_factor, checkpoint)
    with faults.writing(directory):
      report.write([result], directory)
    print(f'\n{tables.results([result])}\n')
    print_wrong_answers(rows, directory / 'results.json')
    print(f'{result["seconds"]:.0f} s, peak memory {result["peak_memory_mib"]:.0f} MiB; '
          f'written to {directory}', flush=True)
    check_reproduced(result, Path(workdir) / eval_cache.eval_name(
        workdir, lengths, count, suites, config.eval_step_factor, checkpoint))
    results.append(result)
  if len(results) > 1:
    with faults.writing(comparison_dir):
      report.write(results, comparison_dir)
    print(f'\n{tables.results(results)}\n\nwritten to {comparison_dir}')
  return results


def print_wrong_answers(rows: list[dict], written: Path) -> None:
  """The first few wrong answers of an evaluation's rows, and where the rest are."""
  wrong = [(row['length'], where, failure) for row in rows
           for where, scores in [('', row)] + [(f' ({suite})', scores) for suite, scores
                                               in row['suites'].items()]
           for failure in scores['failures']]
  for length, where, failure in wrong[:evaluate.FAILURES_SHOWN]:
    print(f'  wrong at length {length}{where}: {tables.wrong_answer(failure)}')
  if len(wrong) > evaluate.FAILURES_SHOWN:
    print(f'  and {len(wrong) - evaluate.FAILURES_SHOWN} more wrong answers, every one in '
          f'{written}')


def check_reproduced(result: dict, saved_dir: Path) -> None:
  """For a stored run holding this evaluation: says whether it was reproduced exactly."""
  saved = saved_dir / 'results.json'
  if not stored.is_stored(saved_dir.parent) or not saved.is_file():
    return
  differ = stored.differences(result, json.loads(saved.read_text()))
  print(f'DIFFERS from the stored {saved}: {"; ".join(differ)}' if differ else
        f'reproduces the stored {saved} exactly', flush=True)


def run_names(workdirs: list) -> list[str]:
  """How tables and plots label runs: by their workdir's name (e.g. badd_seed=1), not
  by where they were trained; by the whole path where two names are the same."""
  names = [Path(w).name for w in workdirs]
  return [n if names.count(n) == 1 else str(w) for n, w in zip(names, workdirs)]


def decode(config, workdir: Path, text: str, question: np.ndarray,
           checkpoint: str = 'best') -> None:
  """Prints the answer of the model of the best (or latest) checkpoint to `text`
  (encoded as `question`) beside the true one; right only if every position is (the
  text of an answer hides, e.g., padding predicted where a zero-filled answer has a
  zero)."""
  task = config.get_task()
  model, _ = checkpoints.best_model(config, workdir, checkpoint)
  predicted = np.asarray(predictor(model)(question[None]))[0]
  target = task.targets(question[None])[0]
  right = np.array_equal(predicted, target)
  print(f'input:  {text}\nmodel:  {task.decode(predicted)}\ntrue:   {task.decode(target)}  '
        f'({"right" if right else "wrong"})')


def draw_state(config, workdir: Path, text: str, question: np.ndarray) -> None:
  """Saves visualize.png (in the workdir; for a stored run in stored.output_dir): the
  state of the model through the steps on `text`."""
  model, step = checkpoints.best_model(config, workdir)
  figure = visualize.figure(visualize.panels(model, question),
                            f'{text} (step {step} checkpoint)', config.get_task().vocab)
  path = stored.output_dir(workdir) / 'visualize.png'
  with faults.writing(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
  report.plt.close(figure)
  print(f'wrote {path}')


def trace_states(config, workdir: Path, chosen: dict, name: str) -> None:
  """Writes trace/NAME/ (in the workdir; for a stored run in stored.output_dir): per
  length, what the best checkpoint's state does through the steps on the chosen examples
  ({length: (inputs, targets)}; NAME says which: random, or a hard suite), as
  length_L.json, a table and a figure (in trace/NAME_step_factor=F/ when the run or
  the trace takes more steps)."""
  model, step = checkpoints.best_model(config, workdir)
  print(f'{workdir}: best checkpoint (step {step}), the state through the steps on '
        + (f'{len(next(iter(chosen.values()))[0])} held-out test examples per length'
           if name == 'random' else f'the {name} suite at each length'), flush=True)
  start = time.time()
  results = state_trace.trace_lengths(model, config, chosen)
  # Traced apart with any factor but the default 1 (eval_cache.names_step_factor).
  own = load_config(workdir).eval_step_factor
  steps = (f'_step_factor={config.eval_step_factor:g}'
           if eval_cache.names_step_factor(config.eval_step_factor, own) else '')
  directory = stored.output_dir(workdir) / 'trace' / (name + steps)
  table = state_trace.summary_table(results)
  with faults.writing(directory):
    directory.mkdir(parents=True, exist_ok=True)
    for result in results:
      faults.write_whole(directory / f'length_{result["length"]}.json',
                         json.dumps({'checkpoint_step': step, **result}) + '\n')
    (directory / 'table.md').write_text(table + '\n')
    figure = state_trace.figure(results, f'{Path(workdir).name}, step {step} checkpoint, '
                                f'{name} inputs')
    figure.savefig(directory / 'trace.png', dpi=100)
    report.plt.close(figure)
  print(f'\n{table}\n\n{time.time() - start:.0f} s; written to {directory}', flush=True)
