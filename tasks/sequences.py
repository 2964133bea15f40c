"""Sequence tasks over a small alphabet: copy, reverse, duplicate, sort.

Text and ids run in the same order (there is no significance order to reverse).
"""
import numpy as np

from tasks.base import PAD, PAD_SYMBOL, Task

ALPHABET = 'abcd'


class SequenceTask(Task):
  """Random strings over `alphabet`, a target computed from them by `transform`."""

  min_length = 1

  def __init__(self, name: str, alphabet: str = ALPHABET):
    super().__init__(name)
    if not alphabet or len(set(alphabet)) != len(alphabet) or PAD_SYMBOL in alphabet:
      raise ValueError(f'{name}: alphabet must be distinct symbols other than '
                       f'{PAD_SYMBOL!r}, got {alphabet!r}')
    self.alphabet = alphabet
    self.vocab = (PAD_SYMBOL,) + tuple(alphabet)

  def random_inputs(self, rng, batch_size, length):
    return rng.integers(1, len(self.vocab), size=(batch_size, length), dtype=np.int32)

  def encode(self, text):
    if not isinstance(text, str) or not text:
      raise ValueError(f'{self.name}.encode takes a non-empty string over '
                       f'{self.alphabet!r}, got {text!r}')
    return np.array(self.symbol_ids(text, self.alphabet), dtype=np.int32)

  def decode(self, ids):
    return ''.join(self.symbols(ids))

  def check_symbols(self, inputs):
    """inputs as an array, after checking they are all symbols (no padding)."""
    inputs = np.asarray(inputs)
    if inputs.ndim != 2 or np.any((inputs < 1) | (inputs >= len(self.vocab))):
      raise ValueError(f'{self.name}: inputs must be [batch, length] ids in '
                       f'1..{len(self.vocab) - 1}')
    return inputs


class Copy(SequenceTask):

  def targets(self, inputs):
    return self.check_symbols(inputs).astype(np.int32)


class Reverse(SequenceTask):

  def targets(self, inputs):
    return self.check_symbols(inputs)[:, ::-1].astype(np.int32)


class Sort(SequenceTask):
  """Symbols in alphabet order (the alphabet's order, which is id order)."""

  def targets(self, inputs):
    return np.sort(self.check_symbols(inputs), axis=1).astype(np.int32)


class Duplicate(SequenceTask):
  """Input: m = length // 2 symbols, then padding. Target: the m symbols twice, then
  padding (one pad at the end when the length is odd)."""

  min_length = 2

  def random_inputs(self, rng, batch_size, length):
    inputs = np.zeros((batch_size, length), np.int32)
    inputs[:, :length // 2] = super().random_inputs(rng, batch_size, length // 2)
    return inputs

  def encode(self, text):
    ids = super().encode(text)
    return np.concatenate([ids, np.zeros_like(ids)])

  def targets(self, inputs):
    inputs = np.asarray(inputs)
    half = inputs.shape[-1] // 2
    symbols = inputs[..., :half]
    if (inputs.ndim != 2 or np.any(inputs[:, half:] != PAD)
        or np.any((symbols < 1) | (symbols >= len(self.vocab)))):
      raise ValueError(f'{self.name}: inputs must be [batch, length] with symbol ids '
                       f'in the first length // 2 positions and padding after')
    targets = np.zeros_like(inputs, dtype=np.int32)
    targets[:, :2 * half] = np.concatenate([symbols, symbols], axis=1)
    return targets
