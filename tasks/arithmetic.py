"""Addition and multiplication of two k-digit numbers in base 2, 4 or 10.

Input (length 2k + 1): the first operand's digits least significant first, the operator,
then the second operand's digits least significant first, as in the Neural GPU papers;
leading zero digits are allowed. Target: the exact result least significant digit
first, without leading zeros (zero is the single digit 0), then padding; or, in the
zero-filled form, the result with zero digits up to the input's length and no padding
(the target of DNGPU's bmul: data_utils_2.rand_pair, `to_base(product, base, l)`).

Digit id = digit + 1. The arithmetic is done on digit arrays rather than Python ints,
so any length works (CPython refuses to parse base-10 strings past 4,300 digits) and
the tests' Python-int oracle stays an independent check.
"""
import numpy as np

from tasks import structured_operands
from tasks.base import PAD, PAD_SYMBOL, Task

DIGITS = '0123456789'
TARGET_FORMS = ('padded', 'zero_filled')
HARD_SAMPLERS = ('carry_chains', 'structured')


class ArithmeticTask(Task):
  """`a op b` in `base`, op being '+' or '*'. Lengths are odd: 2k + 1, k >= 1."""

  min_length = 3
  length_step = 2

  def __init__(self, name: str, base: int, op: str, zero_filled: bool = False,
               structured: bool = False):
    super().__init__(name)
    if base not in range(2, 11):
      raise ValueError(f'{name}: base must be in 2..10, got {base!r}')
    if op not in ('+', '*'):
      raise ValueError(f"{name}: op must be '+' or '*', got {op!r}")
    self.base = base
    self.op = op
    self.digits = DIGITS[:base]
    self.vocab = (PAD_SYMBOL,) + tuple(self.digits) + (op,)
    self.op_id = len(self.vocab) - 1
    self.zero_filled = zero_filled
    self.structured = structured

  def with_target_form(self, form):
    if form not in TARGET_FORMS:
      raise ValueError(f'target form {form!r} is not valid; valid: {", ".join(TARGET_FORMS)}')
    return self._variant(form == 'zero_filled', self.structured)

  def with_hard_sampler(self, sampler):
    if sampler not in HARD_SAMPLERS:
      raise ValueError(f'hard sampler {sampler!r} is not valid; valid: '
                       f'{", ".join(HARD_SAMPLERS)}')
    return self._variant(self.zero_filled, sampler == 'structured')

  def _variant(self, zero_filled: bool, structured: bool) -> 'ArithmeticTask':
    if (zero_filled, structured) == (self.zero_filled, self.structured):
      return self
    return ArithmeticTask(self.name, self.base, self.op, zero_filled, structured)

  def random_inputs(self, rng, batch_size, length):
    k = (length - 1) // 2
    digits = rng.integers(0, self.base, size=(batch_size, 2, k), dtype=np.int32)
    return self.layout(digits[:, 0], digits[:, 1])

  def random_hard_training_inputs(self, rng, batch_size, length):
    """carry_chains: see random_carry_chain_inputs. structured: the kinds of the
    evaluation suites (structured_operands.structured_pair), and for addition half of the rows
    from random_carry_chain_inputs."""
    if not self.structured:
      return self.random_carry_chain_inputs(rng, batch_size, length)
    k = (length - 1) // 2
    pairs = [structured_operands.structured_pair(rng, k, self.base) for _ in range(batch_size)]
    inputs = self.layout(np.array([a for a, _ in pairs], np.int32).reshape(-1, k),
                         np.array([b for _, b in pairs], np.int32).reshape(-1, k))
    if self.op == '+':
      chains = rng.random(batch_size) < 0.5
      inputs[chains] = self.random_carry_chain_inputs(rng, int(chains.sum()), length)
    return inputs

  def random_carry_chain_inputs(self, rng, batch_size, length):
    """Additions with a long carry chain: a run of digit pairs summing to base-1, of
    a length drawn uniformly up to k, after a pair that carries or, as often, one that
    cannot (unless the run starts at digit 0). Uniform random data rarely holds long
    chains, and a model trained on it gets carries wrong past the chain lengths it has
    seen (Price et al. 2016); with a carry always before the run, it learned that long
    runs carry."""
    if self.op != '+':
      return self.random_inputs(rng, batch_size, length)
    k = (length - 1) // 2
    a = rng.integers(0, self.base, size=(batch_size, k))
    b = rng.integers(0, self.base, size=(batch_size, k))
    top = self.base - 1
    for row, run in enumerate(rng.integers(1, k + 1, size=batch_size)):
      start = rng.integers(0, k - run + 1)
      b[row, start:start + run] = top - a[row, start:start + run]
      if start > 0 and rng.random() < 0.5:  # a carry: a + b >= base
        a[row, start - 1] = rng.integers(1, self.base)
        b[row, start - 1] = rng.integers(self.base - a[row, start - 1], self.base)
      elif start > 0:  # no carry: a + b <= base - 2
        a[row, start - 1] = rng.integers(0, self.base - 1)
        b[row, start - 1] = rng.integers(0, self.base - 1 - a[row, start - 1])
    return self.layout(a, b)

  def layout(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Inputs from little-endian digit arrays a, b of shape [batch, k]."""
    op = np.full((a.shape[0], 1), self.op_id, dtype=np.int32)
    return np.concatenate([a + 1, op, b + 1], axis=1).astype(np.int32)

  def targets(self, inputs):
    inputs = np.asarray(inputs)
    batch, length = inputs.shape
    a, b = self._operands(inputs)
    if self.op == '+':
      result = _propagate_carries(a + b, self.base, a.shape[1] + 1)
    else:
      result = _propagate_carries(_digit_products(a, b), self.base, 2 * a.shape[1])
    significant = np.maximum(1, _count_significant(result))
    if significant.max() > length:
      raise ValueError(f'{self.name}: the result needs {significant.max()} digits, more '
                       f'than the input length {length}')
    result = np.pad(result, [(0, 0), (0, max(0, length - result.shape[1]))])[:, :length]
    # Zero-filled: every position of the input's own length (its padding excluded).
    end = (length - np.argmax(inputs[:, ::-1] != PAD, axis=1) if self.zero_filled
           else significant)
    keep = np.arange(length)[None, :] < end[:, None]
    return np.where(keep, result + 1, PAD).astype(np.int32)

  def _operands(self, inputs):
    """Little-endian int64 digit arrays [batch, width] of both operands, zero-padded."""
    rows = []
    for row in inputs:
      ops = np.flatnonzero(row == self.op_id)
      if ops.size != 1:
        raise ValueError(f'{self.name}: each input needs exactly one {self.op!r}, got '
                         f'{ops.size} in {row.tolist()}')
      end = len(row) - np.argmax(row[::-1] != PAD)  # drop trailing padding
      a, b = row[:ops[0]], row[ops[0] + 1:end]
      if not (a.size and b.size and _all_digits(a, self.base)
              and _all_digits(b, self.base)):
        raise ValueError(f'{self.name}: malformed input {row.tolist()}; expected digit '
                         f'ids 1..{self.base} on both sides of the operator')
      rows.append((a - 1, b - 1))
    width = max(max(len(a), len(b)) for a, b in rows)
    a = np.zeros((len(rows), width), np.int64)
    b = np.zeros((len(rows), width), np.int64)
    for i, (x, y) in enumerate(rows):
      a[i, :len(x)] = x
      b[i, :len(y)] = y
    return a, b

  def eval_suites(self, length):
    self.check_length(length)
    k = (length - 1) // 2
    suites = {}
    for suite, pairs in structured_operands.arithmetic_suites(k, self.base,
                                                              self.op).items():
      inputs = self.layout(np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))
      suites[suite] = (inputs, self.targets(inputs))
    return suites

  def encode(self, text):
    if not isinstance(text, str):
      raise ValueError(f'{self.name}.encode takes a string like '
                       f'{self.example_text()!r}, got {type(text).__name__}')
    ids = self.symbol_ids(text, self.digits + self.op)
    parts = text.split(self.op)
    if len(parts) != 2 or not all(parts):
      raise ValueError(f'{self.name} cannot encode {text!r}: expected two base-'
                       f'{self.base} numbers joined by {self.op!r}, like '
                       f'{self.example_text()!r}')
    a = ids[:len(parts[0])]
    return np.array(a[::-1] + [self.op_id] + ids[len(a) + 1:][::-1], dtype=np.int32)

  def decode(self, ids):
    """Reverses each operand (and a lone result) back to most significant first; a
    zero-filled result is shown as a number, without the zero digits on top."""
    parts = [''.join(part[::-1]) for part in ''.join(self.symbols(ids)).split(self.op)]
    if len(parts) == 1 and self.zero_filled:
      return parts[0].lstrip(self.digits[0]) or parts[0][-1:]
    return self.op.join(parts)

  def canonical(self, text):
    """Operands padded with leading zeros to the same width: '1011+110' -> '1011+0110'."""
    parts = text.split(self.op)
    if len(parts) != 2:
      return text  # encode says what is wrong
    width = max(map(len, parts))
    return self.op.join(part.rjust(width, self.digits[0]) for part in parts)

  def example_text(self) -> str:
    return f'{self.digits[-1]}{self.digits[1]}{self.op}{self.digits[1]}{self.digits[0]}'


def _all_digits(ids, base):
  return bool(np.all((ids >= 1) & (ids <= base)))


def _digit_products(a, b):
  """Column sums of schoolbook multiplication: sum_{i+j=n} a_i b_j, [batch, 2k-1]."""
  return np.stack([np.convolve(x, y) for x, y in zip(a, b)])


def _propagate_carries(columns, base, width):
  """Little-endian digits [batch, width] of the numbers sum_n columns[:, n] base^n."""
  digits = np.zeros((columns.shape[0], width), np.int64)
  carry = np.zeros(columns.shape[0], np.int64)
  for n in range(width):
    total = carry + (columns[:, n] if n < columns.shape[1] else 0)
    digits[:, n], carry = total % base, total // base
  if carry.any():
    raise AssertionError('result wider than its bound')  # cannot happen: width is exact
  return digits


def _count_significant(digits):
  """Number of digits up to and including the most significant nonzero one."""
  nonzero = digits != 0
  last = digits.shape[1] - 1 - np.argmax(nonzero[:, ::-1], axis=1)
  return np.where(nonzero.any(axis=1), last + 1, 0)
