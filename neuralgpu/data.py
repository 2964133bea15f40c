"""Training batches: a length drawn under the curriculum, then examples of exactly that
length.

Examples are not padded to shared bucket lengths (the reference Neural GPU pads to bins):
a model trained mostly on padded inputs failed on unpadded ones of the same length in our
runs, and evaluation uses unpadded inputs. The compiled step is still reused: its input
signature leaves the length open, and under --jit each length a task can take is one
bucket, compiled once.
"""
import numpy as np

import tasks


def training_batch(task: tasks.Task, rng: np.random.Generator, batch_size: int,
                   curriculum_length: int, min_length: int, hard_fraction: float = 0.0,
                   stage: int = 0):
  """(inputs, targets, length): half the batches at the curriculum length, the rest at a
  uniformly drawn shorter one; round(hard_fraction * batch_size) examples of each batch
  come from the task's sampler of hard inputs, the others from its training stage's."""
  lengths = task.lengths(min_length, curriculum_length)
  length = lengths[-1] if rng.random() < 0.5 else int(rng.choice(lengths))
  hard = round(hard_fraction * batch_size)
  inputs = np.concatenate([task.random_training_inputs(rng, batch_size - hard, length, stage),
                           task.random_hard_inputs(rng, hard, length)])
  return inputs, task.targets(inputs), length
