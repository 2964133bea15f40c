"""The learning rate through a run: decays on a plateau (--lr_schedule, a class in
SCHEDULES), a floor (--lr_floor), exponential decay on top (--lr_half_life). The rate
and what each schedule keeps (its STATE) live in the training state, so they resume with
the run."""
import math

import numpy as np


class RateSchedule:
  """What every schedule shares: the rate, its decay and floor."""
  summary = ''  # its part of --lr_schedule's help
  # Variables of the training state it reads and writes: name -> initial value.
  STATE: dict = {}

  def __init__(self, config, state):
    self.config, self.state = config, state

  def at(self, step: int) -> float:
    """The plateau schedule's rate, times the exponential decay if there is one."""
    half_life = self.config.lr_half_life
    return float(self.state.lr) * (0.5 ** (step / half_life) if half_life else 1.0)

  def decay(self) -> None:
    """The rate times lr_decay, not below lr × lr_floor."""
    c = self.config
    self.state.lr.assign(max(float(self.state.lr) * c.lr_decay, c.lr * c.lr_floor))

  def after_window(self, mean_loss: float) -> None:
    """After every --window_steps steps, with the window's mean training loss."""

  def after_validation(self, loss: float) -> None:
    """After every validation, with the validation loss at the curriculum length."""

  def new_length(self) -> None:
    """After a curriculum advance."""


class ValidationPlateau(RateSchedule):
  """The training loss found new lows by noise alone, so a rate decayed on it never came
  down (the model swung between 87% and 100% at length 41 for thousands of steps);
  validation accuracy stops at 100% of 64 examples while the model is still wrong on 4%
  of length-401 inputs, so a rate decayed on it came down to nothing before the model
  was exact. Hence the validation loss."""
  summary = ('validation_plateau: times lr_decay after lr_patience validations without a '
             'new low of the validation loss.')
  # Lowest validation loss at the curriculum length since it last advanced, and the
  # validations since that low.
  STATE = {'best_loss': math.inf, 'stalls': 0}

  def after_validation(self, loss):
    s = self.state
    s.stalls.assign(0 if loss < float(s.best_loss) else int(s.stalls) + 1)
    s.best_loss.assign(min(loss, float(s.best_loss)))
    if int(s.stalls) >= self.config.lr_patience:
      self.decay()
      s.stalls.assign(0)

  def new_length(self):
    """Progress is measured at the new length."""
    self.state.best_loss.assign(math.inf)
    self.state.stalls.assign(0)


class TrainingPlateau(RateSchedule):
  """DNGPU_trainer.py (LUMII-Syslab/DNGPU), every display_step."""
  summary = ('training_plateau (DNGPU): after every --window_steps steps, times lr_decay '
             'if the mean training loss of the window two back is below those of the last '
             'two.')
  STATE = {'window_losses': [1e6] * 3}  # the mean losses of the last three windows

  def after_window(self, mean_loss):
    losses = np.append(self.state.window_losses.numpy()[1:], mean_loss)
    self.state.window_losses.assign(losses)
    if min(losses[1:]) > losses[0]:
      self.decay()


SCHEDULES: dict[str, type[RateSchedule]] = {'validation_plateau': ValidationPlateau,
                                            'training_plateau': TrainingPlateau}


def build(config, state) -> RateSchedule:
  return SCHEDULES[config.lr_schedule](config, state)


def help_text() -> str:
  return ' '.join(kind.summary for kind in SCHEDULES.values())
