"""What run.py's modes and experiments.compare do, once their arguments are checked."""
import dataclasses
import json
import resource
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

import tasks
from neuralgpu import distribute, evaluate, models, report, visualize
from neuralgpu.train import WHY_FINISHED, Trainer, TrainState


def train_and_report(config, workdir: Path) -> None:
  trainer = Trainer(config, workdir)
  start = time.time()
  resumed_at = trainer.restore()
  if resumed_at:
    print(f'resuming {workdir} at step {resumed_at}, curriculum length '
          f'{int(trainer.state.curriculum_length)}', flush=True)
  step = trainer.train()
  print(f'trained to step {step} in {time.time() - start:.0f} s', flush=True)
  if not distribute.is_chief(config):
    return  # the chief evaluates
  evaluate_runs([(workdir, config)], config.lengths_to_report(), config.eval_examples)


def train_only(config, workdir: Path) -> dict:
  """Trains (or resumes) the run in workdir; its steps, why it stopped, the curriculum
  length it reached, its training wall time over every session."""
  trainer = Trainer(config, workdir)
  trainer.train()
  return {'steps': int(trainer.state.step),
          'stopped': WHY_FINISHED.get(int(trainer.state.finished), 'step budget'),
          'curriculum_length': int(trainer.state.curriculum_length),
          'train_seconds': round(float(trainer.state.seconds), 1)}


def best_model(config, workdir: Path):
  """The model of the best checkpoint in workdir, and its step."""
  model, state = models.build(config, len(tasks.get(config.task).vocab)), TrainState(config)
  checkpoint = tf.train.Checkpoint(model=model, state=state)
  # The best checkpoint is saved at the first validation, before any regular one.
  checkpoint.restore(tf.train.latest_checkpoint(workdir / 'best')).expect_partial()
  return model, int(state.step)


def accuracy_by_length(config, workdir: Path, lengths, count: int) -> dict:
  """The best checkpoint's accuracy by length, reused from WORKDIR/eval/by_length.json
  when that is of the same checkpoint, lengths and examples."""
  model, step = best_model(config, workdir)
  cache = workdir / 'eval' / 'by_length.json'
  key = {'checkpoint_step': step, 'lengths': lengths, 'examples': count}
  if cache.exists():
    saved = json.loads(cache.read_text())
    if {k: saved.get(k) for k in key} == key:
      return saved
  start = time.time()
  rows = evaluate.evaluate_lengths(models.predictor(model), tasks.get(config.task), config,
                                   lengths, count, progress=True, suites=False)
  result = {**key, 'rows': rows, 'eval_seconds': round(time.time() - start, 1)}
  cache.parent.mkdir(exist_ok=True)
  cache.write_text(json.dumps(result, indent=2) + '\n')
  return result


def evaluate_runs(runs, lengths, count: int, comparison_dir: Path = None) -> None:
  """Evaluates each (workdir, config) run's best checkpoint on the same test sets; writes
  WORKDIR/eval/ for each and, for several runs, a joint table and plot in comparison_dir."""
  results = []
  for workdir, config in runs:
    start = time.time()
    model, step = best_model(config, workdir)
    task = tasks.get(config.task)
    print(f'{workdir}: {task.name}, best checkpoint (step {step}), {count} held-out test '
          f'examples per length and the hard suites', flush=True)
    rows = evaluate.evaluate_lengths(models.predictor(model), task, config, lengths, count,
                                     progress=True)
    result = {'name': str(workdir), 'workdir': str(Path(workdir).resolve()),
              'task': task.name, 'checkpoint_step': step, 'seed': config.seed,
              'test_seed': 0, 'config': dataclasses.asdict(config), 'lengths': rows,
              'seconds': round(time.time() - start, 1),
              'peak_memory_mib': round(
                  resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    report.write([result], Path(workdir) / 'eval')
    print(f'\n{report.table([result])}\n')
    for row in rows:
      for failure in row['failures']:
        print(f'  wrong at length {row["length"]}: {failure["input"]}\n'
              f'    model: {failure["model"]}\n    true:  {failure["true"]}')
    print(f'{result["seconds"]:.0f} s, peak memory {result["peak_memory_mib"]:.0f} MiB; '
          f'written to {Path(workdir) / "eval"}', flush=True)
    results.append(result)
  if len(results) > 1:
    report.write(results, comparison_dir)
    print(f'\n{report.table(results)}\n\nwritten to {comparison_dir}')


def decode(config, workdir: Path, text: str, question: np.ndarray) -> None:
  """Prints the model's answer to `text` (encoded as `question`) beside the true one."""
  task = tasks.get(config.task)
  model, _ = best_model(config, workdir)
  answer = task.decode(np.asarray(models.predictor(model)(question[None]))[0])
  truth = task.decode(task.targets(question[None])[0])
  print(f'input:  {text}\nmodel:  {answer}\ntrue:   {truth}  '
        f'({"right" if answer == truth else "wrong"})')


def draw_state(config, workdir: Path, text: str, question: np.ndarray) -> None:
  """Saves WORKDIR/visualize.png: the state of the model through the steps on `text`."""
  model, step = best_model(config, workdir)
  figure = visualize.figure(visualize.panels(model, question),
                            f'{text} (step {step} checkpoint)', tasks.get(config.task).vocab)
  path = Path(workdir) / 'visualize.png'
  figure.savefig(path, dpi=100)
  report.plt.close(figure)
  print(f'wrote {path}')
