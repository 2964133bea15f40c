"""Hand-picked operands where arithmetic learners typically fail.

Each suite maps a name to a list of distinct (a, b) pairs of little-endian digit tuples,
k digits each.
"""


def arithmetic_suites(k: int, base: int) -> dict[str, list[tuple[list, list]]]:
  top = base - 1
  zeros = [0] * k
  maximal = [top] * k
  one = [1] + [0] * (k - 1)
  small = [min(2, top)] + [0] * (k - 1)             # 000...02 (000...01 in base 2)
  below_power = [top] * (k - 1) + [0]               # 0111...1: a carry runs k-1 digits
  suites = {
      # 0111...1 + 1, 1 + 0111...1, 1111...1 + 1 (overflow into digit k+1).
      'carry_chain': [(below_power, one), (one, below_power), (maximal, one)],
      # 1111...1 op 1111...1: the longest carries of both + and *.
      'all_maximal': [(maximal, maximal)],
      # 000...02 op 000...02 and small-by-large: answers far shorter than the input.
      'leading_zeros': [(small, small), (small, maximal), (maximal, small), (one, one)],
      'zero_operand': [(zeros, zeros), (zeros, maximal), (maximal, zeros)],
  }
  # Small k or base 2 make some picks coincide (000...02 is 000...01 in base 2).
  return {name: list(dict.fromkeys((tuple(a), tuple(b)) for a, b in pairs))
          for name, pairs in suites.items()}
