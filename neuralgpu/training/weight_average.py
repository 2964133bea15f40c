"""An exponential moving average of the weights (--weight_average): validation, probes
and learning curves, and so the best checkpoint, evaluation and --start_from, see the
averaged weights; training goes on from its own.

Why: late in training at a high rate, badd models' weights swung widely from one
checkpoint to the next (e.g. 128, 61, 107 and 113 of 128 random inputs right at length
401, 200 steps apart), and the plain average of four such checkpoints got suite inputs
right that none of them did (docs/notes.md).
"""
import contextlib

import tensorflow as tf


def build(config, model):
  return WeightAverage(model, config.weight_average) if config.weight_average else NoAverage()


class NoAverage:
  """--weight_average=0: the model's own weights everywhere."""

  def trackables(self) -> dict:
    return {}

  def update(self) -> None:
    pass

  def reset(self) -> None:
    pass

  def in_model(self):
    return contextlib.nullcontext()


class WeightAverage:

  def __init__(self, model, decay: float):
    self.decay = decay
    self.weights = model.trainable_variables
    self.averages = [tf.Variable(w, trainable=False) for w in self.weights]
    self._update = tf.function(self._update_all)

  def trackables(self) -> dict:
    """What checkpoints keep of it, so that a resume goes on with the same average."""
    return {'weight_average': self.averages}

  def update(self) -> None:
    """After a step: average ← decay · average + (1 − decay) · weights."""
    self._update()

  def _update_all(self):
    for average, weight in zip(self.averages, self.weights):
      average.assign(self.decay * average + (1 - self.decay) * weight)

  def reset(self) -> None:
    """The average starts over at the model's weights: after --start_from, a roll-back
    or a change of the weights' form (merging relaxed weight sets)."""
    for average, weight in zip(self.averages, self.weights):
      average.assign(weight)

  @contextlib.contextmanager
  def in_model(self):
    """The averaged weights in the model for the block, its own ones after it."""
    self._swap()
    try:
      yield
    finally:
      self._swap()

  def _swap(self):
    for average, weight in zip(self.averages, self.weights):
      own = tf.identity(weight)
      weight.assign(average)
      average.assign(own)
