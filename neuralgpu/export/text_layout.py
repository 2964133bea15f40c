"""How a task writes a question as ids and an answer as text, as data a SavedModel can
carry: which id each symbol has, how numbers are laid out (least significant digit
first) and where padding goes.

The layout is read off the task's own `encode` and `decode` by asking them (which
digits each operator takes, how much padding a question gets, whether a lone answer
drops its leading zeros), not from the task's class, so a task added later fits if it
writes questions one of the two ways below; `check.py` then compares the SavedModel's
reading with the task's on many questions before anything is exported.

- numbers: two numbers joined by an operator; each number's digits are written least
  significant first, after the shorter is padded with leading zeros to the other's
  width (the arithmetic tasks: '1011+110' -> 1101+0110 as symbols).
- symbols: the symbols as written, then `padding_per_symbol` padding ids per symbol
  (copy, reverse, sort; duplicate has one).
"""
import dataclasses

import numpy as np

from tasks.base import PAD

DIGITS = '0123456789'


class NoTextLayout(ValueError):
  """The task writes its questions in a way the SavedModel's text signature cannot."""


@dataclasses.dataclass(frozen=True)
class TextLayout:
  task: str
  vocabulary: tuple[str, ...]        # id i is vocabulary[i]; id 0 is padding
  numbers: bool                      # two numbers, digits least significant first
  operators: tuple[str, ...] = ()    # what joins the two numbers (in vocabulary order)
  digits_of: tuple[str, ...] = ()    # the digits the numbers of each operator take
  strips_leading_zeros: bool = False  # a lone answer is shown without zeros on top
  padding_per_symbol: int = 0        # padding ids after a question, per symbol
  min_length: int = 1                # lengths in ids the task takes: min_length,
  length_step: int = 1               # min_length + length_step, ...
  longest: int = 1                   # the longest question in ids the export answers

  def symbol_ids(self) -> str:
    return ', '.join(f'{i} is {s!r}' + (' (padding)' if i == PAD else '')
                     for i, s in enumerate(self.vocabulary))

  def question_rule(self) -> str:
    if not self.numbers:
      pads = (f', then {self.padding_per_symbol} padding id(s) (0) per symbol'
              if self.padding_per_symbol else '')
      return f'the symbols in the order written, one id each{pads}'
    joins = '; '.join(f'{op!r} joins numbers of the digits {" ".join(digits)}'
                      for op, digits in zip(self.operators, self.digits_of))
    return ("the first number's digits least significant digit first, then the operator, "
            "then the second number's digits least significant digit first; the shorter "
            f'number is first padded with leading zeros (digit {self.zero!r}, id '
            f'{self.vocabulary.index(self.zero)}) to the width of the other, so two '
            f'k-digit numbers take 2k + 1 ids ({joins})')

  def answer_rule(self, zero_filled: bool) -> str:
    """zero_filled: the task's answers fill the question's length with zero digits."""
    if not self.numbers:
      return 'the symbols in order, then padding (id 0) to the length of the question'
    if zero_filled:
      return ('a number least significant digit first, then zero digits (id '
              f'{self.vocabulary.index(self.zero)}) to the length of the question'
              + ('; shown in text without the zeros above its top digit'
                 if self.strips_leading_zeros else ''))
    return 'a number least significant digit first, then padding (id 0) to the length ' \
           'of the question'

  @property
  def zero(self) -> str:
    return DIGITS[0]

  def sample_question(self) -> str:
    """A question of two numbers of different widths (or a few symbols), to show."""
    if not self.numbers:
      symbols = self.vocabulary[1:]
      return symbols[min(1, len(symbols) - 1)] + symbols[0] + symbols[-1]
    digits = self.digits_of[0]
    top, one = digits[-1], digits[1]
    return f'{one}{self.zero}{top}{one}{self.operators[0]}{one}{top}{self.zero}'


def layout_of(task, longest: int) -> TextLayout:
  """The layout of `task`'s questions; NoTextLayout saying why there is none."""
  vocabulary = tuple(task.vocab)
  if any(len(symbol) != 1 for symbol in vocabulary):
    raise NoTextLayout(f'{task.name} has symbols of more than one character')
  symbols = vocabulary[1:]
  lengths = dict(task=task.name, vocabulary=vocabulary, min_length=task.min_length,
                 length_step=task.length_step, longest=longest)
  digits = [s for s in symbols if s in DIGITS]
  if not digits:
    return TextLayout(numbers=False, padding_per_symbol=_padding_per_symbol(task),
                      **lengths)
  operators = tuple(s for s in symbols if s not in DIGITS)
  if DIGITS[0] not in digits or len(digits) < 2 or not operators:
    raise NoTextLayout(f'{task.name} has digits but not two numbers joined by an operator')
  digits_of = tuple(''.join(d for d in digits if _encodes(task, f'{d}{op}{d}'))
                    for op in operators)
  if not all(len(taken) >= 2 and taken[0] == DIGITS[0] for taken in digits_of):
    raise NoTextLayout(f'{task.name}: its operators {" ".join(operators)} do not each '
                       'join numbers of digits from 0 on')
  lone = [vocabulary.index(digits[1]), vocabulary.index(DIGITS[0])]  # '01' written LSB first
  strips = task.decode(np.array(lone, np.int32)) == digits[1]
  return TextLayout(numbers=True, operators=operators, digits_of=digits_of,
                    strips_leading_zeros=strips, **lengths)


def _encodes(task, text: str) -> bool:
  try:
    task.encode(task.canonical(text))
    return True
  except ValueError:
    return False


def _padding_per_symbol(task) -> int:
  symbol = task.vocab[1]
  length = len(task.encode(task.canonical(symbol * 2)))
  if length % 2:
    raise NoTextLayout(f'{task.name} writes {symbol * 2!r} as {length} ids')
  return length // 2 - 1
