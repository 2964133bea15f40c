"""A task of any function of two non-negative integers, written as digits in base 2..10:
bitwise XOR, |a - b|, max, ... in a few lines, for example

    tasks.register(tasks.TwoOperandTask('bxor', base=2, op='^', function=operator.xor,
                                        result_digits=lambda k: k))

Input (length 2k + 1): the first operand's digits least significant first, the operator,
then the second operand's digits least significant first, as in the Neural GPU papers;
leading zero digits are allowed. Target: the exact result least significant digit
first, without leading zeros (zero is the single digit 0), then padding; or, in the
zero-filled form, the result with zero digits up to the input's length and no padding
(the target of DNGPU's bmul: data_utils_2.rand_pair, `to_base(product, base, l)`).
Digit id = digit + 1. The hard suites and the structured hard inputs are those of
addition and multiplication (tasks.structured_operands), which are tasks of this kind
(tasks.arithmetic).
"""
import copy
import numbers
from typing import Callable

import numpy as np

from tasks import digits as digit_arrays
from tasks import structured_operands
from tasks.base import PAD, PAD_SYMBOL, Task

DIGITS = '0123456789'
TARGET_FORMS = ('padded', 'zero_filled')
HARD_SAMPLERS = ('carry_chains', 'structured', 'varied_lengths')
RESULT_DIGITS_CHECKED_UP_TO = 1000  # result_digits(k) is checked for k up to this
SHOWN_DIGITS = 24  # an operand longer than this is quoted in an error by its length


class TwoOperandTask(Task):
  """`function(a, b)` of the k-digit operands a, b in `base`, written `a op b`.

  function: takes two non-negative Python ints, gives a non-negative int.
  result_digits: k -> the most digits a result of k-digit operands has (k for XOR, k + 1
    for addition); None allows any result the target holds, 2k + 1 digits. A result
    longer than declared is refused, naming its operands.
  larger_first: every input drawn has a >= b (a pair drawn the other way round is
    swapped), for a function defined there alone, such as a - b.
  Lengths are odd: 2k + 1, k >= 1.
  """

  min_length = 3
  length_step = 2

  def __init__(self, name: str, base: int, op: str, function: Callable[[int, int], int],
               result_digits: Callable[[int], int] | None = None, larger_first: bool = False):
    super().__init__(name)
    if base not in range(2, 11):
      raise ValueError(f'{name}: base must be in 2..10, got {base!r}')
    if not (isinstance(op, str) and len(op) == 1 and op not in DIGITS + PAD_SYMBOL
            and op.isprintable() and not op.isspace()):
      raise ValueError(f'{name}: op must be one printable character other than a digit, '
                       f'{PAD_SYMBOL!r} or a space (e.g. "^"), got {op!r}')
    if not callable(function):
      raise ValueError(f'{name}: function must be a function of two ints (e.g. '
                       f'operator.xor), got {type(function).__name__}')
    if result_digits is not None and not callable(result_digits):
      raise ValueError(f'{name}: result_digits must be a function of the operands\' digits '
                       f'k (e.g. lambda k: k + 1) or None, got {result_digits!r}')
    if not isinstance(larger_first, bool):
      raise ValueError(f'{name}: larger_first must be True or False, got {larger_first!r}')
    self.base, self.op, self.function = base, op, function
    self.result_digits, self.larger_first = result_digits, larger_first
    self.digits = DIGITS[:base]
    self.vocab = (PAD_SYMBOL,) + tuple(self.digits) + (op,)
    self.op_id = len(self.vocab) - 1
    self.zero_filled = False
    self.hard_sampler = 'carry_chains'
    # Checked when the task is made (or its --imports module loaded), so that a mistake
    # stops no run half-way: result_digits for operands of up to 1,000 digits (the
    # papers' longest tests), and the function on every pair of one-digit operands.
    for k in range(1, RESULT_DIGITS_CHECKED_UP_TO + 1):
      self._declared_digits(k)
    a, b = np.divmod(np.arange(base**2), base)
    self.targets(self.inputs_of(a[:, None], b[:, None]))

  # --- target forms and hard samplers --------------------------------------------

  def with_target_form(self, form):
    if form not in TARGET_FORMS:
      raise ValueError(f'target form {form!r} is not valid; valid: {", ".join(TARGET_FORMS)}')
    return self._variant(form == 'zero_filled', self.hard_sampler)

  def with_hard_sampler(self, sampler):
    if sampler not in HARD_SAMPLERS:
      raise ValueError(f'hard sampler {sampler!r} is not valid; valid: '
                       f'{", ".join(HARD_SAMPLERS)}')
    return self._variant(self.zero_filled, sampler)

  def _variant(self, zero_filled: bool, hard_sampler: str) -> 'TwoOperandTask':
    if (zero_filled, hard_sampler) == (self.zero_filled, self.hard_sampler):
      return self
    variant = copy.copy(self)  # a copy keeps a subclass's own state
    variant.zero_filled, variant.hard_sampler = zero_filled, hard_sampler
    return variant

  # --- inputs ----------------------------------------------------------------------

  def random_inputs(self, rng, batch_size, length):
    k = (length - 1) // 2
    digits = rng.integers(0, self.base, size=(batch_size, 2, k), dtype=np.int32)
    return self.inputs_of(digits[:, 0], digits[:, 1])

  def random_hard_training_inputs(self, rng, batch_size, length):
    """carry_chains: uniform inputs (a general function has no carries to chain);
    structured: random_structured_inputs; varied_lengths: operands of random lengths
    (structured_operands.varied_length_pair)."""
    if self.hard_sampler == 'structured':
      return self.random_structured_inputs(rng, batch_size, length)
    if self.hard_sampler == 'varied_lengths':
      return self._inputs_of_pairs(structured_operands.varied_length_pair, rng, batch_size,
                                   length)
    return self.random_inputs(rng, batch_size, length)

  def random_structured_inputs(self, rng, batch_size, length):
    """The kinds of the evaluation suites (structured_operands.structured_pair)."""
    return self._inputs_of_pairs(structured_operands.structured_pair, rng, batch_size,
                                 length)

  def _inputs_of_pairs(self, draw_pair, rng, batch_size, length):
    """batch_size inputs of the operand pairs draw_pair(rng, k, base) gives."""
    k = (length - 1) // 2
    pairs = [draw_pair(rng, k, self.base) for _ in range(batch_size)]
    return self.inputs_of(np.array([a for a, _ in pairs], np.int32).reshape(-1, k),
                          np.array([b for _, b in pairs], np.int32).reshape(-1, k))

  def inputs_of(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The inputs of the operand pairs a, b the task takes (larger first if it says so)."""
    return self.layout(*digit_arrays.larger_first(a, b)) if self.larger_first else (
        self.layout(a, b))

  def layout(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Inputs from little-endian digit arrays a, b of shape [batch, k]."""
    op = np.full((a.shape[0], 1), self.op_id, dtype=np.int32)
    return np.concatenate([a + 1, op, b + 1], axis=1).astype(np.int32)

  def eval_suites(self, length):
    self.check_length(length)
    k = (length - 1) // 2
    suites = {}
    for suite, pairs in structured_operands.arithmetic_suites(k, self.base,
                                                              self.op).items():
      inputs = self.inputs_of(np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))
      if self.larger_first:  # putting the larger first can make two picks one
        inputs = inputs[np.sort(np.unique(inputs, axis=0, return_index=True)[1])]
      suites[suite] = (inputs, self.targets(inputs))
    return suites

  # --- targets ---------------------------------------------------------------------

  def targets(self, inputs):
    inputs = np.asarray(inputs)
    length = inputs.shape[1]
    a, b = self._operands(inputs)
    result = self.results(a, b)
    significant = np.maximum(1, digit_arrays.count_significant(result))
    if significant.max() > length:
      raise ValueError(f'{self.name}: the result needs {significant.max()} digits, more '
                       f'than the input length {length}')
    result = np.pad(result, [(0, 0), (0, max(0, length - result.shape[1]))])[:, :length]
    # Zero-filled: every position of the input's own length (its padding excluded).
    end = (length - np.argmax(inputs[:, ::-1] != PAD, axis=1) if self.zero_filled
           else significant)
    keep = np.arange(length)[None, :] < end[:, None]
    return np.where(keep, result + 1, PAD).astype(np.int32)

  def results(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """int64 [batch, width] little-endian digits of function(a, b) for the int64 digit
    arrays a, b [batch, k]; ValueError naming the first pair whose result is not a
    non-negative int of at most the declared digits."""
    k = a.shape[1]
    width = self._declared_digits(k)
    limit = self.base**width
    values = []
    for x, y in zip(digit_arrays.to_ints(a, self.base), digit_arrays.to_ints(b, self.base)):
      try:
        value = self.function(x, y)
      except Exception as error:  # pylint: disable=broad-except  (the user's function)
        raise ValueError(f'{self.name}: its function raised {type(error).__name__}: '
                         f'{error} on {self._quote(x, y)}') from None
      if not isinstance(value, numbers.Integral):
        raise ValueError(f'{self.name}: {self._quote(x, y)} gives {value!r}, a '
                         f'{type(value).__name__}; the function must give an int')
      if value < 0:
        raise ValueError(f'{self.name}: {self._quote(x, y)} gives {value}; the function '
                         'must give an int >= 0 (larger_first=True draws only a >= b)')
      if value >= limit:
        bound = (f'the {width} its result_digits allows for {k}-digit operands'
                 if self.result_digits else
                 f'the {width} a target of {k}-digit operands holds (2k + 1)')
        raise ValueError(f'{self.name}: {self._quote(x, y)} has '
                         f'{digit_arrays.digit_count(int(value), self.base)} digits, more '
                         f'than {bound}')
      values.append(int(value))
    return digit_arrays.from_ints(values, self.base, width)

  def _declared_digits(self, k: int) -> int:
    """result_digits(k), checked: a target of k-digit operands holds 2k + 1 digits."""
    if self.result_digits is None:
      return 2 * k + 1
    try:
      width = self.result_digits(k)
    except Exception as error:  # pylint: disable=broad-except  (the user's function)
      raise ValueError(f'{self.name}: result_digits({k}) raised {type(error).__name__}: '
                       f'{error}') from None
    if not isinstance(width, numbers.Integral) or not 1 <= width <= 2 * k + 1:
      raise ValueError(f'{self.name}: result_digits({k}) is {width!r}; it must be an int '
                       f'in 1..{2 * k + 1} (2k + 1: the input\'s length, which the target has)')
    return int(width)

  def _quote(self, a: int, b: int) -> str:
    """'a op b' in the task's base for an error message, a long operand by its length."""
    shown = [np.base_repr(value, self.base) if value < self.base**SHOWN_DIGITS
             else f'({digit_arrays.digit_count(value, self.base)} digits)' for value in (a, b)]
    return self.op.join(shown)

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

  # --- text ------------------------------------------------------------------------

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
