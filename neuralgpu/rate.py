"""The learning rate through a run: decays on a plateau (--lr_schedule), a floor
(--lr_floor), exponential decay on top (--lr_half_life). The rate lives in the training
state, so it resumes with the run."""
import math

import numpy as np


class RateSchedule:

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
    """--lr_schedule=training_plateau, after every eval_every steps: decays if the
    window two back had a lower mean training loss than both since (DNGPU_trainer.py,
    every display_step)."""
    if self.config.lr_schedule != 'training_plateau':
      return
    losses = np.append(self.state.window_losses.numpy()[1:], mean_loss)
    self.state.window_losses.assign(losses)
    if min(losses[1:]) > losses[0]:
      self.decay()

  def after_validation(self, loss: float) -> None:
    """--lr_schedule=validation_plateau: decays after lr_patience validations without a
    new low of the validation loss at the curriculum length.

    The training loss found new lows by noise alone, so the rate never came down (the
    model swung between 87% and 100% at length 41 for thousands of steps); validation
    accuracy stops at 100% of 64 examples while the model is still wrong on 4% of
    length-401 inputs, so the rate came down to nothing before the model was exact."""
    s = self.state
    s.stalls.assign(0 if loss < float(s.best_loss) else int(s.stalls) + 1)
    s.best_loss.assign(min(loss, float(s.best_loss)))
    c = self.config
    if c.lr_schedule == 'validation_plateau' and int(s.stalls) >= c.lr_patience:
      self.decay()
      s.stalls.assign(0)

  def new_length(self) -> None:
    """After a curriculum advance: progress is measured at the new length."""
    self.state.best_loss.assign(math.inf)
    self.state.stalls.assign(0)
