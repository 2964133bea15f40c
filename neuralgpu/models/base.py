"""What every model offers the trainer and evaluation, so they have one code path.

A model maps int32 inputs [batch, length] to logits [batch, length, vocab] (targets are
as long as inputs), and says which target positions its loss counts and how its
predictions are read.
"""
import math

import numpy as np
import tensorflow as tf

from tasks.base import PAD


class Model(tf.Module):

  extras = ()  # the names of the extras __call__ returns

  def __call__(self, inputs, training=False, seed=None, targets=None):
    """-> (logits [batch, length, vocab], extras: a dict of scalar tensors that
    auxiliary_loss takes and the trainer logs). seed: a [2] int tensor for dropout,
    required when training. targets: for models that condition on the answer so far
    (teacher forcing) or mask by it; ignored by the others. Models that run steps over
    the input (step_count) also take step_factor, one of --train_step_factors."""
    raise NotImplementedError

  # --- hooks of the trainer; a model without a regularizer or schedule needs none ------

  def auxiliary_loss(self, extras):
    """What training adds to the loss, from the extras of the batch (weighted over
    bins like the loss) and the model's own variables."""
    del extras
    return tf.constant(0.0)

  def on_curriculum_advance(self, at_max_length: bool) -> bool:
    """Called when the curriculum moves on; True if the model changed so much that
    earlier validation accuracies no longer compare (the trainer forgets its best)."""
    del at_max_length
    return False

  def after_window(self, means: dict, lr: float) -> None:
    """Called after every eval_every training steps with the means of the training loss
    and extras over them, and the rate they ran at."""
    del means, lr

  def logged(self) -> dict:
    """Scalars the model adjusts in training, for the log."""
    return {}

  def loss_weights(self, targets):
    """[batch, length] weights of the positions in the loss: every one by default
    (padding after the answer is part of the answer)."""
    return tf.ones_like(targets, tf.float32)

  def predictions(self, logits):
    """Predicted ids [batch, length] from logits."""
    return tf.argmax(logits, -1, tf.int32)

  def loss(self, logits, targets):
    """Mean cross-entropy over the positions loss_weights counts."""
    weights = self.loss_weights(targets)
    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(targets, logits)
    return tf.reduce_sum(cross_entropy * weights) / tf.reduce_sum(weights)

  def predict(self, inputs):
    return self.predictions(self(inputs)[0])

  # --- models that draw their state (model_registry: draws_state) ---------------------

  def states(self, inputs):
    """Yields the evaluation-mode state [batch, length, height, maps] before the first
    step, then after each step with the gates that step used (named tensors; {} before
    the first). One step at a time, so it serves inputs of any length."""
    raise NotImplementedError

  def readout(self, state):
    """Logits [batch, length, vocab] from a state as states() yields it."""
    raise NotImplementedError

  def trace(self, inputs) -> np.ndarray:
    """Every state of states() stacked, [steps + 1, batch, length, height, maps]: for
    pictures of the computation, so only for short inputs."""
    return np.stack([state.numpy() for state, _ in self.states(inputs)])


def step_count(config, length, training: bool, step_factor: float = 1.0):
  """The recurrent steps of a Neural GPU on an input of `length` (an int or a scalar
  tensor): length * steps_per_symbol, times step_factor in training (one of
  --train_step_factors) and --eval_step_factor otherwise, rounded up."""
  steps = length * config.steps_per_symbol
  factor = step_factor if training else config.eval_step_factor
  if factor == 1:
    return steps
  if isinstance(steps, int):
    return math.ceil(steps * factor)
  return tf.cast(tf.math.ceil(tf.cast(steps, tf.float64) * factor), tf.int32)


def through_end(targets):
  """1 up to and including the first padding position (the end of the answer), 0 after:
  models that stop at the end need not learn what comes after it."""
  before = tf.cumsum(tf.cast(tf.equal(targets, PAD), tf.int32), axis=1, exclusive=True)
  return tf.cast(tf.equal(before, 0), tf.float32)


def pad_after_end(ids):
  """Everything after the first predicted padding becomes padding: the model's end
  marker ends the answer, as the loss of `through_end` assumes."""
  return tf.where(through_end(ids) > 0, ids, PAD)


class EndsAtPadding(Model):
  """A model that writes the answer, then the padding symbol as its end marker: its
  loss stops after the marker and its predictions are padding from the marker on."""

  def loss_weights(self, targets):
    return through_end(targets)

  def predictions(self, logits):
    return pad_after_end(super().predictions(logits))


def predictor(model):
  """A compiled inputs [batch, length] -> predicted ids, reused for every shape."""
  return tf.function(model.predict, input_signature=[tf.TensorSpec([None, None], tf.int32)])
