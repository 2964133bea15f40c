"""Accuracy of a model by length on held-out examples: the same examples for every model.

Evaluation is forward only. A Neural GPU runs as many steps as its input is long, so the
cost of an example grows with the square of its length and its memory linearly; batches
shrink as the length grows.
"""
import concurrent.futures
import math
import time

import numpy as np

import tasks
from neuralgpu import model_registry, threads


# Bytes of activations a batch may hold (each model says how many floats it keeps alive
# per input position: neuralgpu.model_registry).
ACTIVATION_BUDGET = 256 * 2**20
MAX_BATCH = 64
# Work per example grows with length²; a batch holds at most about as much work as 64
# examples of length 401 (seconds on 2 cores) so that progress shows every few seconds.
MAX_BATCH_WORK = 64 * 401**2
# Wrong answers a run prints (results.json keeps every one): at 2,001 symbols each takes
# lines, and dozens of them buried the table above.
FAILURES_SHOWN = 3
# Solved: every held-out sequence right at the training length and at least this share
# at ten times it, of random inputs and of each kind of hard input alike. The one rule
# of the trainer's stop, the sweep and the benchmarks.
SOLVED_FAR_ACCURACY = 0.99
SOLVED_MEANS = ('every sequence right at the training length and at least '
                f'{SOLVED_FAR_ACCURACY:.0%} at ten times it, of random inputs and of each '
                'hard suite')


def solved(near_accuracy: float, far_accuracy: float) -> bool:
  """The lowest sequence accuracy of any kind of input at the training length and at
  ten times it."""
  return near_accuracy == 1.0 and far_accuracy >= SOLVED_FAR_ACCURACY


def solved_results(rows: list[dict], near: int, far: int) -> bool:
  """solved, from an evaluation's rows (results.json's `lengths`): random inputs and
  every suite evaluated with them."""
  worst = {row['length']: min([row['sequence_accuracy']] + [
      suite['sequence_accuracy'] for suite in row.get('suites', {}).values()])
           for row in rows}
  return solved(worst[near], worst[far])


def held_out(task, length: int, count: int, split: str = 'test', seed: int = 0):
  """The fixed examples of a split at a length: the same in every run and for every model."""
  return task.sample(tasks.split_rng(task.name, split, length, seed), count, length)


def example_sets(task, lengths, count: int, suite: str | None) -> dict:
  """{length: (inputs, targets)}: `count` held-out test examples, or the inputs of the
  task's hard suite `suite`, at each length; ValueError naming the valid suites."""
  if suite is None:
    return {length: held_out(task, length, count) for length in lengths}
  chosen = {}
  for length in lengths:
    suites = task.eval_suites(length)
    if suite not in suites:
      raise ValueError(f'--suite={suite} is not a hard-input suite of {task.name} at length '
                       f'{length}; valid: {", ".join(suites) or "none"}')
    chosen[length] = suites[suite]
  return chosen


def batch_size(config, length: int) -> int:
  # At least one float: a model without an estimate is sized by the other bounds.
  per_example = max(1, length * model_registry.get(config.model).activation_floats(config) * 4)
  return int(max(1, min(MAX_BATCH, ACTIVATION_BUDGET // per_example,
                        MAX_BATCH_WORK // length**2)))


def predict_all(predict, inputs, batch: int = MAX_BATCH, on_batch=None) -> np.ndarray:
  """predict(inputs) -> ids, a batch at a time, as many batches side by side as
  threads.side_by_side() says (split smaller so that each gets one); on_batch(examples
  done) after each, in order."""
  workers = threads.side_by_side()
  batch = max(1, min(batch, -(-len(inputs) // workers)))
  starts = range(0, len(inputs), batch)
  run = lambda start: np.asarray(predict(inputs[start:start + batch]))
  with concurrent.futures.ThreadPoolExecutor(workers) as pool:
    outputs = []
    for output in (pool.map(run, starts) if workers > 1 else map(run, starts)):
      outputs.append(output)
      if on_batch:
        on_batch(len(output))
  return np.concatenate(outputs)


def scores(predictions, targets) -> dict:
  """Per-symbol and per-sequence accuracy. Padding counts: a symbol predicted where the
  answer has ended makes the sequence wrong."""
  correct = np.asarray(predictions) == np.asarray(targets)
  return {'examples': len(correct),
          'symbol_accuracy': float(correct.mean()),
          'sequence_accuracy': float(correct.all(axis=1).mean()),
          'sequences_correct': int(correct.all(axis=1).sum())}


def accuracy(predict, inputs, targets, batch: int = MAX_BATCH) -> dict:
  return scores(predict_all(predict, inputs, batch), targets)


def failures(task, inputs, predictions, targets) -> list[dict]:
  """Every wrong answer, decoded."""
  wrong = np.flatnonzero((predictions != targets).any(axis=1))
  return [{'input': task.decode(inputs[i]), 'model': task.decode(predictions[i]),
           'true': task.decode(targets[i])} for i in wrong]


class Progress:
  """Prints examples done and an ETA, counting an example of length L as L² work."""

  def __init__(self, total_work: float, every_seconds: float = 10.0):
    self.total, self.done, self.every = total_work, 0.0, every_seconds
    self.start = self.last = time.time()

  def advance(self, length: int, examples: int, what: str) -> None:
    self.done += examples * length**2
    now = time.time()
    if now - self.last >= self.every or self.done >= self.total:
      self.last = now
      eta = (now - self.start) * (self.total - self.done) / self.done
      print(f'  evaluating: {what}, {100 * self.done / self.total:.0f}% done, '
            f'ETA {time.strftime("%H:%M:%S", time.gmtime(eta))}', flush=True)


def evaluate_lengths(predict, task, config, lengths, count: int, progress: bool = False,
                     suites: bool = True) -> list[dict]:
  """Per length: accuracy on `count` test examples and (unless suites is False) on each
  of the task's hard-input suites, each with its wrong answers decoded."""
  sets = {length: {'random': held_out(task, length, count),
                   **(task.eval_suites(length) if suites else {})}
          for length in lengths}
  meter = Progress(sum(len(x) * length**2 for length, named in sets.items()
                       for x, _ in named.values())) if progress else None
  rows = []
  for length, named in sets.items():
    row, suite_scores = {'length': length}, {}
    for name, (inputs, targets) in named.items():
      on_batch = None
      if meter:
        on_batch = lambda n, name=name: meter.advance(length, n, f'length {length} {name}')
      predictions = predict_all(predict, inputs, batch_size(config, length), on_batch)
      result = {**scores(predictions, targets),
                'failures': failures(task, inputs, predictions, targets)}
      if name == 'random':
        row.update(result)
      else:
        suite_scores[name] = result
    rows.append({**row, 'suites': suite_scores})
  return rows


def floor_percent(fraction: float) -> str:
  """Rounded down, so 99.996% never shows as 100.00%."""
  return f"{math.floor(fraction * 10000 + 1e-9) / 100:.2f}%"  # 1e-9: 0.29 * 10000 < 2900
