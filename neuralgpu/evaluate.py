"""Accuracy of a model on held-out examples: the same examples for every model."""
import math

import numpy as np

import tasks


def held_out(task, length: int, count: int, split: str = 'test', seed: int = 0):
  return task.sample(tasks.split_rng(task.name, split, length, seed), count, length)


def accuracy(predict, inputs, targets, batch_size: int = 64) -> dict:
  """Per-symbol and per-sequence accuracy (padding counts) of predict(inputs) -> ids."""
  correct = np.concatenate([
      np.asarray(predict(inputs[i:i + batch_size])) == targets[i:i + batch_size]
      for i in range(0, len(inputs), batch_size)])
  return {'symbol_accuracy': float(correct.mean()),
          'sequence_accuracy': float(correct.all(axis=1).mean()),
          'sequences_correct': int(correct.all(axis=1).sum())}


def length_table(predict, task, lengths, count: int) -> list[dict]:
  """Accuracy on `count` test examples at each length."""
  return [{'length': length, 'examples': count,
           **accuracy(predict, *held_out(task, length, count))} for length in lengths]


def format_table(rows) -> str:
  lines = ['| length | examples | symbol accuracy | sequence accuracy |',
           '|---:|---:|---:|---:|']
  lines += [f'| {r["length"]} | {r["examples"]} | {floor_percent(r["symbol_accuracy"])} | '
            f'{floor_percent(r["sequence_accuracy"])} ({r["sequences_correct"]}/'
            f'{r["examples"]}) |' for r in rows]
  return '\n'.join(lines)


def floor_percent(fraction: float) -> str:
  """Rounded down, so 99.996% never shows as 100.00%."""
  return f"{math.floor(fraction * 10000 + 1e-9) / 100:.2f}%"  # 1e-9: 0.29 * 10000 < 2900
