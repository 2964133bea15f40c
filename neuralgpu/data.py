"""Training batches: lengths drawn under the curriculum, padded to a few fixed buckets so
the compiled step is reused (the reference Neural GPU pads to bins the same way)."""
import math

import numpy as np

import tasks


def buckets(max_length: int) -> list[int]:
  """About ten padded lengths up to max_length, the last being max_length itself."""
  width = max(1, math.ceil(max_length / 10))
  return list(range(width, max_length, width)) + [max_length]


def bucket_for(length: int, bucket_lengths: list[int]) -> int:
  return next(b for b in bucket_lengths if b >= length)


def pad_to(array: np.ndarray, length: int) -> np.ndarray:
  return np.pad(array, [(0, 0), (0, length - array.shape[1])])


def training_batch(task: tasks.Task, rng: np.random.Generator, batch_size: int,
                   curriculum_length: int, min_length: int, max_length: int):
  """(inputs, targets, length): half the batches at the curriculum length, the rest at a
  uniformly drawn shorter one; padded to the bucket of that length."""
  lengths = task.lengths(min_length, curriculum_length)
  length = lengths[-1] if rng.random() < 0.5 else int(rng.choice(lengths))
  inputs, targets = task.sample(rng, batch_size, length)
  padded = bucket_for(length, buckets(max_length))
  return pad_to(inputs, padded), pad_to(targets, padded), length
