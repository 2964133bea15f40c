"""Seeded generators for fixed data splits: the same (task, split, length, seed) gives
the same examples for every model and every run."""
import zlib

import numpy as np

SPLITS = ('train', 'validation', 'test')


def split_rng(task_name: str, split: str, length: int, seed: int = 0) -> np.random.Generator:
  if split not in SPLITS:
    raise ValueError(f'unknown split {split!r}; valid splits: {", ".join(SPLITS)}')
  if not isinstance(seed, (int, np.integer)) or seed < 0:
    raise ValueError(f'seed must be an integer >= 0, got {seed!r}')
  # crc32, not hash(): Python salts str hashes per process.
  return np.random.default_rng(
      [seed, zlib.crc32(task_name.encode()), SPLITS.index(split), length])
