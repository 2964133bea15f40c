"""Hand-picked operands where arithmetic learners typically fail.

Each suite maps a name to a list of distinct (a, b) pairs of little-endian digit tuples,
k digits each.
"""


# Carry chains of every length up to this one, then of doubling lengths: every length
# up to 2,000 digits would be 2,000 evaluations of a model whose cost grows with the
# square of the length.
EVERY_CHAIN_UP_TO = 8


def chain_lengths(k: int) -> list[int]:
  """Lengths of the carry chains tested with k-digit operands: 1..8, 16, 32, ..., k."""
  lengths = list(range(1, min(k, EVERY_CHAIN_UP_TO) + 1))
  while lengths[-1] < k:
    lengths.append(min(2 * lengths[-1], k))
  return lengths


def arithmetic_suites(k: int, base: int) -> dict[str, list[tuple[list, list]]]:
  top = base - 1
  zeros = [0] * k
  maximal = [top] * k
  one = [1] + [0] * (k - 1)
  small = [min(2, top)] + [0] * (k - 1)             # 000...02 (000...01 in base 2)
  below_power = [top] * (k - 1) + [0]               # 0111...1: a carry runs k-1 digits
  # 0..01..1 + 1 with n top digits: a carry runs through n digits (n = k overflows into
  # digit k+1); and the operands swapped for the longest chain below overflow.
  chains = [([top] * n + [0] * (k - n), one) for n in chain_lengths(k)]
  suites = {
      'carry_chain': chains + [(one, below_power)],
      # 1111...1 op 1111...1: the longest carries of both + and *.
      'all_maximal': [(maximal, maximal)],
      # 000...02 op 000...02 and small-by-large: answers far shorter than the input.
      'leading_zeros': [(small, small), (small, maximal), (maximal, small), (one, one)],
      'zero_operand': [(zeros, zeros), (zeros, maximal), (maximal, zeros)],
  }
  # Small k or base 2 make some picks coincide (000...02 is 000...01 in base 2).
  return {name: list(dict.fromkeys((tuple(a), tuple(b)) for a, b in pairs))
          for name, pairs in suites.items()}
