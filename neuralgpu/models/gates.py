"""Gate nonlinearities of the CGRU: the paper's cutoff sigmoid and the hard variants."""
import math

import tensorflow as tf


def cutoff_sigmoid(x, cutoff: float, hard: bool = False):
  """clip(c·σ(x) − (c−1)/2, 0, 1): reaches 0 and 1 exactly, so a gate can shut fully.

  With hard=True, σ is the piecewise-linear hard sigmoid clip(x/4 + 1/2, 0, 1)
  (Freivalds & Liepins). cutoff=1 gives the plain (hard) sigmoid.
  """
  y = tf.clip_by_value(0.25 * x + 0.5, 0.0, 1.0) if hard else tf.sigmoid(x)
  return tf.clip_by_value(cutoff * y - (cutoff - 1.0) / 2.0, 0.0, 1.0)


def candidate_tanh(x, hard: bool = False):
  return tf.clip_by_value(x, -1.0, 1.0) if hard else tf.tanh(x)


def saturation(x, cutoff: float, hard: bool):
  """Mean amount by which gate pre-activations go past where the gate saturates.

  Freivalds & Liepins penalize this so gates stay where their gradient is non-zero.
  """
  # c·y − (c−1)/2 hits 1 at y = (c+1)/(2c); y = x/4 + 1/2 (hard) or σ(x).
  y_sat = (cutoff + 1.0) / (2.0 * cutoff)
  if hard:
    x_sat = 4.0 * y_sat - 2.0
  elif y_sat < 1.0:
    x_sat = math.log(y_sat / (1.0 - y_sat))
  else:  # the plain sigmoid never saturates
    return tf.constant(0.0)
  return tf.reduce_mean(tf.nn.relu(tf.abs(x) - x_sat))
