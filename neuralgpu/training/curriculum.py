"""Curricula over length (--curriculum): which length a training batch has, and when
the curriculum length moves on. Each is a class in CURRICULA, by the name --curriculum
takes; what it keeps across a resume it declares in STATE (the training state holds it,
under those names, in every checkpoint).

Lengths are those the task takes (e.g. odd ones for arithmetic); "uniformly" is over
them.
"""
import numpy as np


CURRICULUM_WINDOW = 10  # exact, none: the latest batches whose mean error is judged
MIXED_CURRICULUM_SHARE = 0.25
LONGER_OF_TWO_SHARE = 0.6


class Curriculum:
  """What every curriculum shares: lengths up to a bound, and the advance to the next
  length or, at max_length, to a task's next stage."""
  summary = ''  # its part of --curriculum's help
  # Variables of the training state it reads and writes: name -> initial value.
  STATE: dict = {}

  def __init__(self, config, task):
    self.config, self.task = config, task

  start_offset = 0  # the first length is the first the task takes from min_length + this

  def start_length(self) -> int:
    above = self.task.lengths(self.config.min_length + self.start_offset,
                              self.config.max_length)
    return above[0] if above else self.lengths(self.config.max_length)[-1]

  def lengths(self, high: int) -> list[int]:
    return self.task.lengths(self.config.min_length, high)

  def draw_length(self, rng: np.random.Generator, curriculum_length: int) -> int:
    """Half the batches at the curriculum length, the others at one up to it, uniformly."""
    up_to_curriculum = self.lengths(curriculum_length)
    return (up_to_curriculum[-1] if rng.random() < 0.5
            else int(rng.choice(up_to_curriculum)))

  def record(self, state, length: int | None, sequence_error: float) -> None:
    """Counts a training batch toward the advance (length None: one from every bin)."""
    raise NotImplementedError

  def due(self, state, at_validation: bool) -> bool:
    """Whether to advance now."""
    raise NotImplementedError

  def forget(self, state) -> None:
    """A fresh count after an advance."""
    for name, initial in self.STATE.items():
      getattr(state, name).assign(initial)

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


class Exact(Curriculum):
  summary = ('exact: half the batches at the curriculum length, the others shorter; it '
             f'advances when the last {CURRICULUM_WINDOW} batches at that length average a '
             'sequence error below curriculum_threshold.')
  # Sequence errors of the latest batches counted; -1 = none yet.
  STATE = {'recent_errors': [-1.0] * CURRICULUM_WINDOW}

  def counts(self, length: int | None, curriculum_length: int) -> bool:
    return length == curriculum_length

  def record(self, state, length, sequence_error):
    if self.counts(length, int(state.curriculum_length)):
      errors = np.roll(state.recent_errors.numpy(), -1)
      errors[-1] = sequence_error
      state.recent_errors.assign(errors)

  def due(self, state, at_validation):
    del at_validation  # judged after every batch
    errors = state.recent_errors.numpy()
    return errors.min() >= 0 and errors.mean() < self.config.curriculum_threshold


class EveryLength(Exact):
  summary = ('none: every length from the start (a task learned in stages moves on when '
             f'its last {CURRICULUM_WINDOW} batches average below the threshold).')

  def start_length(self) -> int:
    return self.lengths(self.config.max_length)[-1]

  def counts(self, length, curriculum_length):
    return True  # batches of any length, or of every bin


class Mixed(Curriculum):
  """The "mixed curriculum" of Kaiser & Sutskever's code (tensorflow/models,
  neural_gpu/neural_gpu_trainer.py, train(), 2016). It advances when the batches no
  longer than the curriculum length since the last validation (the reference: the last
  200 steps) average a sequence error below the threshold."""
  summary = ('mixed (Kaiser & Sutskever 2016): the longer of two lengths up to the '
             'curriculum length in 60% of batches, of one otherwise, then in 25% of '
             'batches the longer of that and one up to max_length; it advances when the '
             'batches up to the curriculum length since the last validation average below '
             'the threshold.')
  start_offset = 3  # the reference starts three lengths above the shortest
  # Summed sequence error and number of batches since the last validation.
  STATE = {'mixed_errors': [0.0, 0.0]}

  def draw_length(self, rng, curriculum_length):
    up_to_curriculum = self.lengths(curriculum_length)
    length = int(rng.choice(up_to_curriculum))
    if rng.random() < LONGER_OF_TWO_SHARE:
      length = max(length, int(rng.choice(up_to_curriculum)))
    if rng.random() < MIXED_CURRICULUM_SHARE:
      length = max(length, int(rng.choice(self.lengths(self.config.max_length))))
    return length

  def record(self, state, length, sequence_error):
    if length <= int(state.curriculum_length):
      state.mixed_errors.assign_add([sequence_error, 1.0])

  def due(self, state, at_validation):
    if not at_validation:
      return False
    total, batches = state.mixed_errors.numpy()
    state.mixed_errors.assign([0.0, 0.0])
    return batches > 0 and total / batches < self.config.curriculum_threshold


CURRICULA: dict[str, type[Curriculum]] = {'exact': Exact, 'mixed': Mixed,
                                          'none': EveryLength}


def build(config, task) -> Curriculum:
  return CURRICULA[config.curriculum](config, task)


def help_text() -> str:
  return ' '.join(kind.summary for kind in CURRICULA.values())
