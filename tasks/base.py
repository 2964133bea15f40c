"""The interface every algorithmic task implements (pure numpy, no TensorFlow).

A task turns random or hand-picked inputs into (inputs, targets): int32 arrays of the
same shape [batch, length], id 0 being padding. A sequence counts as correct only if
every position, padding included, is predicted right.
"""
import abc
import numbers
import re

import numpy as np

PAD = 0
PAD_SYMBOL = '_'
_NAME_PATTERN = re.compile(r'^[a-z][a-z0-9_]*$')


class Task(abc.ABC):
  """An algorithmic task: a seeded sampler and a text codec.

  Subclasses set `name`, `vocab` (vocab[0] is the padding symbol), `min_length` and
  `length_step` (valid lengths are min_length, min_length + step, ...), and implement
  `random_inputs`, `targets`, `encode` and `decode`.
  """

  name: str
  vocab: tuple[str, ...]
  min_length: int
  length_step: int = 1

  def __init__(self, name: str):
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
      raise ValueError(
          f'task name {name!r} is not valid; use lowercase letters, digits and '
          'underscores, starting with a letter')
    self.name = name

  # --- what subclasses implement -------------------------------------------------

  @abc.abstractmethod
  def random_inputs(self, rng: np.random.Generator, batch_size: int,
                    length: int) -> np.ndarray:
    """int32 [batch_size, length] inputs; length is already checked."""

  @abc.abstractmethod
  def targets(self, inputs: np.ndarray) -> np.ndarray:
    """The exact int32 targets for a batch of inputs, same shape."""

  @abc.abstractmethod
  def encode(self, text: str) -> np.ndarray:
    """Text as a person writes it -> int32 ids; ValueError if malformed."""

  @abc.abstractmethod
  def decode(self, ids) -> str:
    """ids (inputs, targets or predictions) -> text as a person writes it."""

  def random_hard_training_inputs(self, rng: np.random.Generator, batch_size: int,
                                  length: int) -> np.ndarray:
    """Random inputs biased toward cases learners get wrong, mixed into training by
    --hard_fraction; uniform (random_inputs) unless a task knows its hard cases."""
    return self.random_inputs(rng, batch_size, length)

  # Tasks learned in stages (tasks.mixed_bases) train on random_training_inputs of the
  # stage the trainer has reached; a plain task has one stage, its random inputs.
  training_stages = 1

  def random_training_inputs(self, rng: np.random.Generator, batch_size: int, length: int,
                             stage: int) -> np.ndarray:
    del stage  # one stage
    return self.random_inputs(rng, batch_size, length)

  def with_target_form(self, form: str) -> 'Task':
    """This task with targets in `form`: 'padded' (the answer, then padding) for every
    task; the two-operand tasks (arithmetic, tasks.TwoOperandTask) also have
    'zero_filled'."""
    if form != 'padded':
      raise ValueError(f'{self.name} has padded targets only; target form {form!r} is '
                       'an option of the arithmetic tasks')
    return self

  def with_hard_sampler(self, sampler: str) -> 'Task':
    """This task drawing its hard inputs (--hard_fraction) by `sampler`:
    'carry_chains' (its own hard cases, or uniform inputs) for every task; the
    two-operand tasks (arithmetic, tasks.TwoOperandTask) also have 'structured' and
    'varied_lengths'."""
    if sampler != 'carry_chains':
      raise ValueError(f'{self.name} has its own hard inputs only; hard sampler '
                       f'{sampler!r} is an option of the arithmetic tasks')
    return self

  def canonical(self, text: str) -> str:
    """text in the layout the task samples (and a model is trained on); unchanged here."""
    return text

  def eval_suites(self, length: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Named evaluation suites of hand-picked (inputs, targets) at `length` (--mode=eval
    reports each); none by default."""
    self.check_length(length)
    return {}

  # --- shared behaviour ----------------------------------------------------------

  def sample(self, rng: np.random.Generator, batch_size: int,
             length: int) -> tuple[np.ndarray, np.ndarray]:
    """A random batch: (inputs, targets), both int32 [batch_size, length]."""
    if not isinstance(rng, np.random.Generator):
      raise ValueError(f'rng must be a numpy.random.Generator (np.random.default_rng'
                       f'(seed)), got {type(rng).__name__}')
    _check_int('batch_size', batch_size, minimum=1)
    self.check_length(length)
    inputs = self.random_inputs(rng, int(batch_size), int(length))
    return inputs, self.targets(inputs)

  def is_valid_length(self, length) -> bool:
    return (_is_int(length) and length >= self.min_length
            and (length - self.min_length) % self.length_step == 0)

  def check_length(self, length) -> None:
    if not self.is_valid_length(length):
      raise ValueError(f'{self.name} cannot take length {length!r}; valid lengths '
                       f'are {self.describe_lengths()}')

  def describe_lengths(self) -> str:
    if self.length_step == 1:
      return f'integers >= {self.min_length}'
    first, step = self.min_length, self.length_step
    return f'{first}, {first + step}, {first + 2 * step}, ... (step {step})'

  def lengths(self, low: int, high: int) -> list[int]:
    """The valid lengths in [low, high], ascending."""
    start = max(low, self.min_length)
    start += (self.min_length - start) % self.length_step
    return list(range(start, high + 1, self.length_step))

  def longest_length(self, up_to: int) -> int:
    """The longest valid length up to `up_to` (the training length of a --max_length);
    ValueError if there is none."""
    lengths = self.lengths(self.min_length, up_to)
    if not lengths:
      raise ValueError(f'{self.name} takes no length up to {up_to}; valid lengths are '
                       f'{self.describe_lengths()}')
    return lengths[-1]

  def scaled_length(self, length: int, times: int) -> int:
    """The longest valid length up to `times` as many symbols besides the first:
    41 -> 401 for times=10 (20-digit operands -> 200-digit ones)."""
    return self.lengths(length, times * (length - 1) + 1)[-1]

  def symbol_ids(self, text: str, allowed: str) -> list[int]:
    """Maps each character of text to its id; only characters in `allowed` pass."""
    for char in text:
      if char not in allowed:
        raise ValueError(f'{self.name} cannot encode {text!r}: {char!r} is not one '
                         f'of its symbols {" ".join(allowed)}')
    return [self.vocab.index(char) for char in text]

  def symbols(self, ids) -> list[str]:
    """Maps ids to symbols after dropping trailing padding; ValueError if unknown."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
      raise ValueError(f'{self.name}.decode takes a 1-D sequence of integer ids, got '
                       f'shape {ids.shape} of {ids.dtype}')
    bad = ids[(ids < 0) | (ids >= len(self.vocab))]
    if bad.size:
      raise ValueError(f'{self.name}.decode: id {int(bad[0])} is not in the vocabulary; '
                       f'valid ids are 0..{len(self.vocab) - 1}')
    nonpad = np.flatnonzero(ids != PAD)
    end = nonpad[-1] + 1 if nonpad.size else 0
    return [self.vocab[i] for i in ids[:end]]

  def __repr__(self):
    return f'{type(self).__name__}({self.name!r})'


def _is_int(value) -> bool:
  return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(what: str, value, minimum: int) -> None:
  if not _is_int(value) or value < minimum:
    raise ValueError(f'{what} must be an integer >= {minimum}, got {value!r}')
