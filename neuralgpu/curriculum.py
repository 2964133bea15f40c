"""Curricula over length (--curriculum): which length a training batch has, and when
the curriculum length moves on.

- exact: half the batches at the curriculum length, the others at a shorter one drawn
  uniformly; it advances once the last CURRICULUM_WINDOW batches at exactly the
  curriculum length average a sequence error below --curriculum_threshold.
- mixed: the "mixed curriculum" of Kaiser & Sutskever's code (tensorflow/models,
  neural_gpu/neural_gpu_trainer.py, train(), 2016): a length drawn uniformly up to the
  curriculum length, in 60% of batches the longer of two such draws, then in 25% of
  batches the longer of that and a draw up to max_length. It starts three lengths above
  min_length and advances when the batches no longer than the curriculum length since
  the last validation (the reference: the last 200 steps) average a sequence error below
  the threshold.
- none: the curriculum length is max_length from the start; batches are drawn as in exact
  (or, with --batching=bins, one from every bin). A task learned in stages moves to its
  next stage once its last CURRICULUM_WINDOW batches, of any length, average a sequence
  error below the threshold.

Lengths are those the task takes (e.g. odd ones for arithmetic); "uniformly" is over
them.
"""
import numpy as np
import tensorflow as tf

CURRICULUM_WINDOW = 10  # exact: batches at the curriculum length averaged
MIXED_CURRICULUM_SHARE = 0.25
LONGER_OF_TWO_SHARE = 0.6


class Curriculum:

  def __init__(self, config, task):
    self.config, self.task = config, task

  def start_length(self) -> int:
    """exact: the shortest length; mixed: the first from min_length + 3 (the reference's
    start); none: the longest."""
    c = self.config
    first = {'exact': c.min_length, 'mixed': c.min_length + 3, 'none': c.max_length}
    above = self.task.lengths(first[c.curriculum], c.max_length)
    return above[0] if above else self.lengths(c.max_length)[-1]

  def lengths(self, high: int) -> list[int]:
    return self.task.lengths(self.config.min_length, high)

  def draw_length(self, rng: np.random.Generator, curriculum_length: int) -> int:
    up_to_curriculum = self.lengths(curriculum_length)
    if self.config.curriculum != 'mixed':
      return (up_to_curriculum[-1] if rng.random() < 0.5
              else int(rng.choice(up_to_curriculum)))
    length = int(rng.choice(up_to_curriculum))
    if rng.random() < LONGER_OF_TWO_SHARE:
      length = max(length, int(rng.choice(up_to_curriculum)))
    if rng.random() < MIXED_CURRICULUM_SHARE:
      length = max(length, int(rng.choice(self.lengths(self.config.max_length))))
    return length

  def record(self, state, length: int | None, sequence_error: float) -> None:
    """Counts a training batch toward the advance (length None: one from every bin)."""
    curriculum = int(state.curriculum_length)
    kind = self.config.curriculum
    if kind == 'none' or (kind == 'exact' and length == curriculum):
      errors = np.roll(state.recent_errors.numpy(), -1)
      errors[-1] = sequence_error
      state.recent_errors.assign(errors)
    elif kind == 'mixed' and length <= curriculum:
      state.mixed_errors.assign_add([sequence_error, 1.0])

  def due(self, state, at_validation: bool) -> bool:
    """Whether to advance now: exact and none after every batch, mixed at validations."""
    threshold = self.config.curriculum_threshold
    if self.config.curriculum in ('exact', 'none'):
      errors = state.recent_errors.numpy()
      return errors.min() >= 0 and errors.mean() < threshold
    if self.config.curriculum == 'mixed' and at_validation:
      total, batches = state.mixed_errors.numpy()
      state.mixed_errors.assign([0.0, 0.0])
      return batches > 0 and total / batches < threshold
    return False

  def advance(self, state, at_validation: bool = False) -> bool:
    """Moves the curriculum on if it is due: to the next length, or once at max_length
    to the next stage's first length (a task learned in stages); True if it moved."""
    c = self.config
    if not self.due(state, at_validation):
      return False
    if not self.at_longest(state):
      state.curriculum_length.assign(self.task.lengths(int(state.curriculum_length) + 1,
                                                       c.max_length)[0])
    elif self.final_stage(state):
      return False
    else:  # the next stage starts its length curriculum over
      state.stage.assign_add(1)
      state.curriculum_length.assign(self.start_length())
      print(f'  stage {int(state.stage) + 1} of {self.task.training_stages} of {c.task}',
            flush=True)
    self.forget(state)
    return True

  def at_longest(self, state) -> bool:
    return int(state.curriculum_length) == self.lengths(self.config.max_length)[-1]

  def final_stage(self, state) -> bool:
    return int(state.stage) == self.task.training_stages - 1

  @staticmethod
  def forget(state) -> None:
    """A fresh count after an advance."""
    state.recent_errors.assign(tf.fill([CURRICULUM_WINDOW], -1.0))
    state.mixed_errors.assign([0.0, 0.0])
