"""LSTM and GRU cells and running them over time, written out in plain TensorFlow.

A cell's input projection is one matrix product for the whole sequence; only the
recurrent product runs step by step. States are tuples, so both cells run through the
same code.
"""
import numpy as np
import tensorflow as tf

from neuralgpu.models.initializers import glorot, orthogonal


class Cell(tf.Module):
  """What the LSTM and GRU cells share: `gates` blocks of `units`, an input kernel, an
  orthogonal recurrent kernel per block, a bias."""

  gates: int

  def __init__(self, input_size: int, units: int, rng: np.random.Generator, name: str):
    super().__init__(name=name)
    self.units = units
    self.kernel = tf.Variable(glorot(rng, input_size, self.gates * units), name='kernel')
    self.recurrent_kernel = tf.Variable(
        np.concatenate([orthogonal(rng, units, units) for _ in range(self.gates)], axis=1),
        name='recurrent_kernel')
    self.bias = tf.Variable(self.initial_bias(), name='bias')

  def initial_bias(self):
    return np.zeros(self.gates * self.units, np.float32)

  def project(self, inputs):
    """The input's share of every gate: [..., features] -> [..., gates * units]."""
    return tf.tensordot(inputs, self.kernel, 1) + self.bias


class LSTMCell(Cell):
  """Hochreiter & Schmidhuber's LSTM with a forget gate; state (h, c)."""

  gates = 4

  def initial_bias(self):
    bias = super().initial_bias()
    bias[self.units:2 * self.units] = 1.0  # the forget gate starts open (Jozefowicz et al.)
    return bias

  def initial_state(self, batch):
    zeros = tf.zeros([batch, self.units])
    return (zeros, zeros)

  def step(self, projected, state):
    h, c = state
    i, f, g, o = tf.split(projected + tf.matmul(h, self.recurrent_kernel), 4, axis=-1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    return (tf.sigmoid(o) * tf.tanh(c), c)


class GRUCell(Cell):
  """Cho et al.'s GRU, the reset gate applied after the recurrent product (as cuDNN
  does, so that product is one matrix product per step); state (h,)."""

  gates = 3

  def __init__(self, input_size: int, units: int, rng: np.random.Generator, name: str):
    super().__init__(input_size, units, rng, name)
    self.recurrent_bias = tf.Variable(tf.zeros([self.gates * units]), name='recurrent_bias')

  def initial_state(self, batch):
    return (tf.zeros([batch, self.units]),)

  def step(self, projected, state):
    h, = state
    xz, xr, xn = tf.split(projected, 3, axis=-1)
    hz, hr, hn = tf.split(tf.matmul(h, self.recurrent_kernel) + self.recurrent_bias, 3,
                          axis=-1)
    z, r = tf.sigmoid(xz + hz), tf.sigmoid(xr + hr)
    return (z * h + (1.0 - z) * tf.tanh(xn + r * hn),)


CELLS = {'lstm': LSTMCell, 'gru': GRUCell}


def run(cell, inputs, state=None, reverse=False):
  """inputs [batch, time, features] -> (outputs [batch, time, units], final state).

  reverse runs from the last position to the first; outputs stay aligned with inputs.
  """
  projected = tf.transpose(cell.project(inputs), [1, 0, 2])  # time-major for scan
  if state is None:
    state = cell.initial_state(tf.shape(inputs)[0])
  states = tf.scan(lambda s, x: cell.step(x, s), projected, initializer=state,
                   reverse=reverse)
  final = tuple(s[0] if reverse else s[-1] for s in states)
  return tf.transpose(states[0], [1, 0, 2]), final


def dropout(x, rate: float, seed, site: int):
  """Dropout at one place of the network (`site` picks its own masks from the seed);
  the identity outside training (seed None) or at rate 0."""
  if seed is None or rate == 0:
    return x
  return tf.nn.experimental.stateless_dropout(
      x, rate, seed=tf.random.experimental.stateless_fold_in(seed, site))
