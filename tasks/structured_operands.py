"""Operands where arithmetic learners typically fail: the evaluation suites, and the
same kinds drawn at random for training (--hard_sampler=structured), or operands of
random lengths (--hard_sampler=varied_lengths).

Operands are little-endian digit lists, k digits each. Each suite maps a name to a list
of distinct (a, b) pairs; its random picks come from a generator seeded by k and the
base alone, so a suite is the same for every model, run and call.
"""
import numpy as np

# Carry chains of every length up to this one, then of doubling lengths: every length
# up to 2,000 digits would be 2,000 evaluations of a model whose cost grows with the
# square of the length.
EVERY_CHAIN_UP_TO = 8
RANDOM_PICKS = 4  # drawn operands per kind in the suites of drawn operands
SPARSE_DIGITS = (1, 2, 3)  # non-zero digits of each operand in the sparse suite


def chain_lengths(k: int) -> list[int]:
  """Lengths of the carry chains tested with k-digit operands: 1..8, 16, 32, ..., k."""
  lengths = list(range(1, min(k, EVERY_CHAIN_UP_TO) + 1))
  while lengths[-1] < k:
    lengths.append(min(2 * lengths[-1], k))
  return lengths


def short_lengths(k: int) -> list[int]:
  """Digits of the short operands written in the k-digit layout: 1, 2, 4, ... below k."""
  lengths = [1]
  while 2 * lengths[-1] < k:
    lengths.append(2 * lengths[-1])
  return [n for n in lengths if n < k]


def chain(k: int, base: int, start: int, n: int) -> tuple[list, list]:
  """A carry entering at digit `start` and running through the n digits from there:
  base-1 in those n digits of a, plus 1 at digit `start` of b (a carry out of digit k-1
  is the answer's extra digit)."""
  a, b = [0] * k, [0] * k
  a[start:start + n] = [base - 1] * n
  b[start] = 1
  return a, b


def drawn(rng, k: int, base: int, digits: int | None = None) -> list[int]:
  """A random operand of `digits` digits (default k), its top one non-zero, in the
  k-digit layout."""
  digits = digits or k
  number = [int(d) for d in rng.integers(0, base, size=digits)]
  number[-1] = int(rng.integers(1, base))
  return number + [0] * (k - digits)


def sparse(rng, k: int, base: int) -> list[int]:
  """A random operand with one to three non-zero digits at random places."""
  number = [0] * k
  places = rng.choice(k, size=min(k, int(rng.choice(SPARSE_DIGITS))), replace=False)
  for place in places:
    number[int(place)] = int(rng.integers(1, base))
  return number


def structured_pair(rng, k: int, base: int) -> tuple[list, list]:
  """One training pair of a kind the suites test, the kind drawn uniformly: a carry
  chain of random length and place, a short or sparse operand, a op a, or a zero."""
  kind = rng.integers(5)
  if kind == 0:
    n = int(rng.integers(1, k + 1))
    a, b = chain(k, base, int(rng.integers(0, k - n + 1)), n)
  elif kind == 1:
    a, b = drawn(rng, k, base, int(rng.integers(1, max(k, 2)))), drawn(rng, k, base)
  elif kind == 2:
    a, b = sparse(rng, k, base), sparse(rng, k, base)
  elif kind == 3:
    a = b = drawn(rng, k, base)
  else:
    a, b = drawn(rng, k, base), [0] * k
  return (a, b) if rng.random() < 0.5 else (b, a)


def varied_length_pair(rng, k: int, base: int) -> tuple[list, list]:
  """Two random operands of 1 to k digits each, the numbers of digits drawn
  independently and uniformly, in the k-digit layout. Uniform inputs almost never hold
  an operand of a few digits, and so a long run of zeros between its digits and the
  operator: models trained on them alone got some small first operands times a long
  one wrong at 401, whatever the long one (experiments/small_operands.py)."""
  return tuple(drawn(rng, k, base, int(rng.integers(1, k + 1))) for _ in range(2))


def arithmetic_suites(k: int, base: int, op: str = '+') -> dict[str, list[tuple[list, list]]]:
  """The suites of k-digit operands in `base` for the operator op: multiplication ('*')
  has one more, powers (a shift); every other operator the suites of addition ('+')."""
  rng = np.random.default_rng([k, base])
  top = base - 1
  zeros = [0] * k
  maximal = [top] * k
  one = [1] + [0] * (k - 1)
  two = [0, 1] if base == 2 else [2]
  two = (two + [0] * k)[:k]                      # 000...02 (000...010 in base 2)
  below_power = [top] * (k - 1) + [0]            # 0111...1: a carry runs k-1 digits

  # A chain of each tested length entering at the lowest digit, in the middle and as
  # high as it fits, with the operands either way round: 1 + 2^n-1 and 2^n-1 + 1.
  chains = []
  for n in chain_lengths(k):
    for start in dict.fromkeys((0, (k - n) // 2, k - n)):
      a, b = chain(k, base, start, n)
      chains += [(a, b), (b, a)]
  shorts = [(drawn(rng, k, base, n), drawn(rng, k, base, m))
            for n in short_lengths(k) for m in (n, k)]
  randoms = [drawn(rng, k, base) for _ in range(RANDOM_PICKS)]
  suites = {
      'carry_chain': chains + [(one, below_power)],
      # 1111...1 op 1111...1: the longest carries of both + and *.
      'all_maximal': [(maximal, maximal)],
      # 000...02 op 000...02 and small-by-large: answers far shorter than the input.
      'leading_zeros': [(two, two), (two, maximal), (maximal, two), (one, one)],
      # Operands of a few digits in the long layout, with one another and a long one.
      'short_operands': shorts + [(b, a) for a, b in shorts],
      # Mostly zero digits: one to three set at random places in each operand.
      'sparse': [(sparse(rng, k, base), sparse(rng, k, base))
                 for _ in range(2 * RANDOM_PICKS)],
      'same_operand': [(a, a) for a in randoms] + [(one, one), (maximal, maximal)],
      'zero_operand': ([(zeros, zeros), (zeros, maximal), (maximal, zeros)] +
                       [(a, zeros) for a in randoms] + [(zeros, a) for a in randoms]),
  }
  if op == '*':
    # base^i * x and x * base^i: the product is x shifted by i digits (1 * x at i = 0),
    # at the lowest, second, middle and highest place. Drawn after the others, so
    # that adding it left every other suite as it was.
    suites['powers'] = []
    for i in dict.fromkeys(i for i in (0, 1, k // 2, k - 1) if i < k):
      power, x = [0] * k, drawn(rng, k, base)
      power[i] = 1
      suites['powers'] += [(power, x), (x, power)]
  # Small k or base 2 make some picks coincide (000...02 is 000...00 when k is 1); with
  # k = 1 no operand is short.
  return {name: list(dict.fromkeys((tuple(a), tuple(b)) for a, b in pairs))
          for name, pairs in suites.items() if pairs}
