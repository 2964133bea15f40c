"""Training batches, one step at a time, from the step number alone (so a resumed run
replays the same data).

--batching=curriculum: one batch a step, of one length drawn by the curriculum, its
examples exactly that long. Examples are not padded to shared bucket lengths (the
reference Neural GPU pads to bins): a model trained mostly on padded inputs failed on
unpadded ones of the same length in our runs, and evaluation uses unpadded inputs.

--batching=bins (DNGPU_trainer.py, data_utils_2.collectBins and get_batch): every step a
batch from every bin. A bin holds the examples of the lengths above the bin before it
up to its own, padded with padding symbols to its length, and, for every 100 of those,
--shorter_share × 100 taken from the bins before it. With a pool, a bin's examples are
dealt out in a new random order each time through; fresh examples take their length
uniformly from the bin's lengths and, in the shorter share, from a bin before it.

--train_pool=N: the training examples of each length are N drawn once, without repeats
(fewer if the length has fewer distinct inputs), as DNGPU's data_utils_2.init_data.
"""
import functools

import numpy as np

from neuralgpu import lengths
from tasks.base import PAD


NEW_DRAWS = 2  # a pool stops growing when this many rounds of draws add nothing new


class TrainingData:

  def __init__(self, config, task, curriculum):
    self.config, self.task, self.curriculum = config, task, curriculum
    self.bins = lengths.bins(config)

  def batch(self, step: int, curriculum_length: int, stage: int = 0):
    """([(inputs, targets)] for each part of the step: one, or one per bin), and the
    length of a one-part batch (None for bins)."""
    rng = np.random.default_rng([self.config.seed, step, 1])  # a stream per step
    if self.bins:
      return [self.bin_batch(step, b, rng, stage) for b in range(len(self.bins))], None
    length = self.curriculum.draw_length(rng, curriculum_length)
    return [self.examples(rng, self.config.batch_size, length, stage)], length

  def examples(self, rng, count: int, length: int, stage: int):
    """(inputs, targets) of `count` examples of `length`: round(hard_fraction × count)
    from the task's sampler of hard inputs, the others fresh or from the pool."""
    hard = round(self.config.hard_fraction * count)
    if self.config.train_pool:
      inputs, targets = self.pool(length, stage)
      chosen = rng.integers(0, len(inputs), count - hard)
      inputs, targets = inputs[chosen], targets[chosen]
    else:
      inputs = self.task.random_training_inputs(rng, count - hard, length, stage)
      targets = self.task.targets(inputs)
    if not hard:
      return inputs, targets
    hard_rows = self.task.random_hard_training_inputs(rng, hard, length)
    return (np.concatenate([inputs, hard_rows]),
            np.concatenate([targets, self.task.targets(hard_rows)]))

  # --- bins ----------------------------------------------------------------------

  def own_lengths(self, b: int) -> list[int]:
    """The lengths of bin b: above the bin before it, up to its own."""
    low = self.bins[b - 1] + 1 if b else self.config.min_length
    return self.task.lengths(low, self.bins[b])

  def bin_batch(self, step: int, b: int, rng, stage: int):
    """batch_size examples of bin b, each padded to the bin's length: (inputs, targets)."""
    count = self.config.batch_size
    hard = round(self.config.hard_fraction * count)
    inputs = np.full((count, self.bins[b]), PAD, np.int32)
    targets = np.full((count, self.bins[b]), PAD, np.int32)
    if self.config.train_pool:
      entries = self.bin_entries(b, stage)
      positions = np.arange(step * (count - hard), (step + 1) * (count - hard))
      for row, p in enumerate(positions):
        length, index = entries[self.dealt(b, stage, p // len(entries))[p % len(entries)]]
        pool_inputs, pool_targets = self.pool(length, stage)
        inputs[row, :length], targets[row, :length] = pool_inputs[index], pool_targets[index]
    else:
      lengths = []
      for _ in range(count - hard):
        source = b
        if b and rng.random() < self.config.shorter_share / (1 + self.config.shorter_share):
          source = int(rng.integers(0, b))
        lengths.append(int(rng.choice(self.own_lengths(source))))
      self.fill(inputs, targets, lengths, lambda n: self.task.random_training_inputs(
          rng, 1, n, stage)[0], first_row=0)
    lengths = [int(rng.choice(self.own_lengths(b))) for _ in range(hard)]
    self.fill(inputs, targets, lengths,
              lambda n: self.task.random_hard_training_inputs(rng, 1, n)[0], first_row=count - hard)
    return inputs, targets

  def fill(self, inputs, targets, lengths, draw, first_row: int):
    """Rows from first_row on: an example of each of `lengths` from draw(length), its
    target computed at its own length (the rest stays padding)."""
    for own in set(lengths):
      rows = [first_row + i for i, n in enumerate(lengths) if n == own]
      inputs[rows, :own] = np.stack([draw(own) for _ in rows])
      targets[rows, :own] = self.task.targets(inputs[rows, :own])

  @functools.lru_cache(maxsize=None)
  def bin_entries(self, b: int, stage: int) -> list[tuple[int, int]]:
    """(length, pool index) of every example of bin b: those of its own lengths, then a
    share from the bins before it (each a random bin, then a random example of it, as
    they stand after their own share was added)."""
    entries = [(length, i) for length in self.own_lengths(b)
               for i in range(len(self.pool(length, stage)[0]))]
    if b:
      rng = np.random.default_rng([self.config.seed, 3, b, stage])
      extra = int(len(entries) * self.config.shorter_share)
      for source in rng.integers(0, b, extra):
        before = self.bin_entries(int(source), stage)
        entries.append(before[int(rng.integers(0, len(before)))])
    return entries

  @functools.lru_cache(maxsize=64)
  def dealt(self, b: int, stage: int, epoch: int) -> np.ndarray:
    """The order bin b's examples are dealt in, the epoch-th time through."""
    return np.random.default_rng([self.config.seed, 4, b, stage, epoch]).permutation(
        len(self.bin_entries(b, stage)))

  # --- the pool ------------------------------------------------------------------

  @functools.lru_cache(maxsize=None)
  def pool(self, length: int, stage: int) -> tuple[np.ndarray, np.ndarray]:
    """train_pool distinct training inputs of `length` [n, length], in the order drawn,
    and their targets; fewer if the length has fewer (drawing stops when NEW_DRAWS
    rounds add none)."""
    size = self.config.train_pool
    rng = np.random.default_rng([self.config.seed, 2, length, stage])
    kept, seen, idle = [], set(), 0
    while len(kept) < size and idle < NEW_DRAWS:
      found = 0
      for row in self.task.random_training_inputs(rng, size, length, stage):
        key = row.tobytes()
        if key not in seen and len(kept) < size:
          seen.add(key)
          kept.append(row)
          found += 1
      idle = 0 if found else idle + 1
    inputs = np.stack(kept)
    return inputs, self.task.targets(inputs)
