"""One arithmetic operation in several bases, learned base after base by one model.

Price et al. (2016) got a Neural GPU to learn decimal multiplication through a curriculum
over bases: binary first, then base 4, then base 10, still training on the earlier
bases. Each base has its own operator symbol, so an input says which base it is in:
with operators 'bq*', '1011b110' is binary, '312q21' base 4, '97*45' decimal.

Training stage s draws every example's base uniformly from the first s + 1 bases (the
trainer moves to the next stage when its length curriculum is done). Everything else
(`sample`, validation, evaluation, hard suites) uses the last base: it is the task the
model is judged on.
"""
import copy

import numpy as np

from tasks.arithmetic import ArithmeticTask
from tasks.base import PAD_SYMBOL, Task
from tasks.two_operand import DIGITS


class MixedBases(Task):

  min_length = ArithmeticTask.min_length
  length_step = ArithmeticTask.length_step

  def __init__(self, name: str, bases: tuple[int, ...], op: str, operators: str):
    super().__init__(name)
    if list(bases) != sorted(set(bases)) or len(operators) != len(bases):
      raise ValueError(f'{name}: bases must ascend without repeats, one operator symbol '
                       f'each; got bases {bases} and operators {operators!r}')
    if set(operators) & set(DIGITS) or len(set(operators)) != len(operators):
      raise ValueError(f'{name}: operators {operators!r} must be distinct non-digits')
    self.bases, self.operators = tuple(bases), operators
    self.parts = [ArithmeticTask(f'{name}_base{b}', b, op) for b in bases]
    self.digits = DIGITS[:bases[-1]]
    self.vocab = (PAD_SYMBOL,) + tuple(self.digits) + tuple(operators)
    self.training_stages = len(bases)

  def _op_id(self, index: int) -> int:
    return len(self.digits) + 1 + index % len(self.bases)

  def _from_part(self, index: int, ids: np.ndarray) -> np.ndarray:
    """A base's ids (digit d -> d + 1, its operator -> base + 1) in this vocabulary."""
    ids = np.array(ids, dtype=np.int32)
    ids[ids == self.parts[index].op_id] = self._op_id(index)
    return ids

  def _to_part(self, index: int, ids: np.ndarray) -> np.ndarray:
    ids = np.array(ids, dtype=np.int32)
    ids[ids == self._op_id(index)] = self.parts[index].op_id
    return ids

  def _base_index(self, ids: np.ndarray) -> int:
    """Which base a sequence is in, from its operator; ValueError if not exactly one."""
    found = [i for i in range(len(self.bases)) if np.any(ids == self._op_id(i))]
    if len(found) != 1:
      raise ValueError(f'{self.name}: an input needs exactly one operator of '
                       f'{self.operators!r}, got {np.asarray(ids).tolist()}')
    return found[0]

  def with_target_form(self, form):
    """Every base's targets in `form`, as the arithmetic tasks take it."""
    parts = [part.with_target_form(form) for part in self.parts]
    if all(new is old for new, old in zip(parts, self.parts)):
      return self
    variant = copy.copy(self)
    variant.parts = parts
    return variant

  def random_inputs(self, rng, batch_size, length):
    return self._from_part(-1, self.parts[-1].random_inputs(rng, batch_size, length))

  def random_training_inputs(self, rng, batch_size, length, stage):
    """Each example in a base drawn uniformly from the first stage + 1 bases."""
    choice = rng.integers(0, stage + 1, size=batch_size)
    inputs = np.zeros((batch_size, length), np.int32)
    for index in range(stage + 1):
      rows = np.flatnonzero(choice == index)
      inputs[rows] = self._from_part(
          index, self.parts[index].random_inputs(rng, len(rows), length))
    return inputs

  def targets(self, inputs):
    inputs = np.asarray(inputs)
    targets = np.zeros(inputs.shape, np.int32)
    for row, ids in enumerate(inputs):
      index = self._base_index(ids)
      # Result digits have the same ids in every base: no mapping back.
      targets[row] = self.parts[index].targets(self._to_part(index, ids)[None])[0]
    return targets

  def eval_suites(self, length):
    return {suite: (self._from_part(-1, inputs), targets)
            for suite, (inputs, targets) in self.parts[-1].eval_suites(length).items()}

  def encode(self, text):
    index = self._index_of_text(text)
    part, op = self.parts[index], self.operators[index]
    try:
      return self._from_part(index, part.encode(text.replace(op, part.op)))
    except ValueError:
      raise ValueError(f'{self.name} cannot encode {text!r}: {op!r} joins two base-'
                       f'{part.base} numbers (digits {part.digits}), like '
                       f'{part.example_text().replace(part.op, op)!r}') from None

  def canonical(self, text):
    index = self._index_of_text(text)
    part = self.parts[index]
    return part.canonical(text.replace(self.operators[index], part.op)).replace(
        part.op, self.operators[index])

  def decode(self, ids):
    text = ''.join(self.symbols(ids))
    op = next((op for op in self.operators if op in text), '')
    if op:
      return op.join(part[::-1] for part in text.split(op))
    # A lone result: its digits have the same ids in every base, and the last base has
    # them all (a zero-filled one is shown as a number there).
    return self.parts[-1].decode(ids)

  def _index_of_text(self, text) -> int:
    if not isinstance(text, str):
      raise ValueError(f'{self.name}.encode takes a string like {self.example_text()!r}, '
                       f'got {type(text).__name__}')
    found = [i for i, op in enumerate(self.operators) if op in text]
    if len(found) != 1:
      raise ValueError(f'{self.name} cannot encode {text!r}: expected two numbers joined '
                       f'by one operator, its symbol giving the base ('
                       + ', '.join(f'{op!r}: base {b}' for op, b in
                                   zip(self.operators, self.bases)) + ')')
    return found[0]

  def example_text(self) -> str:
    return self.parts[-1].example_text().replace(self.parts[-1].op, self.operators[-1])
