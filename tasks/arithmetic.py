"""Addition and multiplication of two k-digit numbers in base 2, 4 or 10: the two-operand
tasks (tasks.two_operand, which holds their layout, targets, suites and text) of
operator.add and operator.mul, with two things of their own:

- their results computed on digit arrays, vectorized over the batch: the same numbers
  as the Python ints of TwoOperandTask.results (the tests check both against Python
  integers), and faster at long lengths, where converting to ints costs most;
- addition's hard inputs, carry chains (random_carry_chain_inputs).
"""
import operator

import numpy as np

from tasks.two_operand import TwoOperandTask

# op -> (the operation on Python ints, the most digits of its result of k-digit operands)
OPERATIONS = {'+': (operator.add, lambda k: k + 1), '*': (operator.mul, lambda k: 2 * k)}


class ArithmeticTask(TwoOperandTask):
  """`a op b` in `base`, op being '+' or '*'. Lengths are odd: 2k + 1, k >= 1."""

  def __init__(self, name: str, base: int, op: str, zero_filled: bool = False):
    if op not in OPERATIONS:
      raise ValueError(f"{name}: op must be '+' or '*', got {op!r}; another operation is "
                       'a tasks.TwoOperandTask')
    function, result_digits = OPERATIONS[op]
    super().__init__(name, base, op, function, result_digits)
    self.zero_filled = zero_filled

  def results(self, a, b):
    if self.op == '+':
      return _propagate_carries(a + b, self.base, a.shape[1] + 1)
    return _propagate_carries(_digit_products(a, b), self.base, 2 * a.shape[1])

  def random_hard_training_inputs(self, rng, batch_size, length):
    """carry_chains: see random_carry_chain_inputs. structured: the kinds of the
    evaluation suites (random_structured_inputs), and for addition half of the rows
    from random_carry_chain_inputs. varied_lengths: as for any two-operand task."""
    if self.hard_sampler == 'carry_chains':
      return self.random_carry_chain_inputs(rng, batch_size, length)
    inputs = super().random_hard_training_inputs(rng, batch_size, length)
    if self.hard_sampler == 'structured' and self.op == '+':
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
