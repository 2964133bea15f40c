"""Numbers as little-endian digit arrays [batch, width] (digit n has weight base^n), and
back to Python ints: the bridge between the tasks' layouts and a plain Python function.

Python ints hold any length (only parsing or printing a base-10 string past 4,300 digits
is refused), so the conversions go through int64 chunks of digits, never through text.
"""
import numpy as np

_CHUNK_LIMIT = 2**62  # a chunk's value and its place value both fit in int64


def chunk_size(base: int) -> int:
  """The most digits whose value fits in one int64 chunk: 62 in base 2, 18 in base 10."""
  size = 1
  while base ** (size + 1) <= _CHUNK_LIMIT:
    size += 1
  return size


def to_ints(digits: np.ndarray, base: int) -> list[int]:
  """The Python int of each row of little-endian digits."""
  digits = np.asarray(digits, np.int64)
  size = chunk_size(base)
  batch, width = digits.shape
  padded = np.pad(digits, [(0, 0), (0, -width % size)])
  place = base ** np.arange(size, dtype=np.int64)
  chunks = (padded.reshape(batch, -1, size) * place).sum(axis=2)
  scale = base**size
  values = []
  for row in chunks.tolist():
    value = 0
    for chunk in reversed(row):  # most significant chunk first (Horner)
      value = value * scale + chunk
    values.append(value)
  return values


def from_ints(values: list[int], base: int, width: int) -> np.ndarray:
  """int64 [len(values), width] little-endian digits of non-negative ints below
  base^width (the caller checks that they are)."""
  size = chunk_size(base)
  count = -(-width // size)
  scale = base**size
  chunks = np.zeros((len(values), count), np.int64)
  for row, value in enumerate(values):
    for n in range(count):
      if not value:
        break
      value, chunks[row, n] = divmod(value, scale)
  place = base ** np.arange(size, dtype=np.int64)
  digits = (chunks[:, :, None] // place) % base
  return digits.reshape(len(values), count * size)[:, :width]


def digit_count(value: int, base: int) -> int:
  """The digits of a non-negative int in base (1 for zero)."""
  count, power = 1, base
  while power <= value:
    count, power = count + 1, power * base
  return count


def count_significant(digits: np.ndarray) -> np.ndarray:
  """Per row, the number of digits up to and including the most significant nonzero one
  (0 for zero)."""
  nonzero = digits != 0
  last = digits.shape[1] - 1 - np.argmax(nonzero[:, ::-1], axis=1)
  return np.where(nonzero.any(axis=1), last + 1, 0)


def larger_first(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
  """(a, b) with each row's two numbers swapped where a < b, so that a >= b."""
  differ = a != b
  top = a.shape[1] - 1 - np.argmax(differ[:, ::-1], axis=1)  # most significant difference
  rows = np.arange(a.shape[0])
  swap = differ.any(axis=1) & (a[rows, top] < b[rows, top])
  return np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)
