"""The read-then-write recurrent baseline (the protocol of Delétang et al., "Neural
Networks and the Chomsky Hierarchy"): a stacked LSTM or GRU reads the input, then runs
on for as many steps as the output is long over a blank symbol, and the output is read
from those steps.
"""
import numpy as np
import tensorflow as tf

from neuralgpu.models import recurrent
from neuralgpu.models.base import EndsAtPadding
from neuralgpu.models.initializers import glorot


class ReadWrite(EndsAtPadding):

  def __init__(self, config, vocab_size: int, name='read_write'):
    super().__init__(name=name)
    self.config = config
    rng = np.random.default_rng([config.seed, 0])
    units = config.units
    self.blank = vocab_size  # an extra embedding row marks the steps that write
    self.embedding = tf.Variable(rng.uniform(-1.0, 1.0, (vocab_size + 1, units))
                                 .astype(np.float32), name='embedding')
    cell = recurrent.CELLS[config.model]
    self.cells = [cell(units, units, rng, name=f'layer_{i}') for i in range(config.layers)]
    self.output_kernel = tf.Variable(glorot(rng, units, vocab_size), name='output_kernel')
    self.output_bias = tf.Variable(tf.zeros([vocab_size]), name='output_bias')

  def __call__(self, inputs, training=False, seed=None, targets=None):
    """inputs [batch, length] -> (logits [batch, length, vocab], {})."""
    length = tf.shape(inputs)[1]
    seed = seed if training else None
    symbols = tf.concat([inputs, tf.fill(tf.shape(inputs), self.blank)], axis=1)
    x = tf.gather(self.embedding, symbols)
    # Dropout between layers and before the read-out; never on the recurrent state.
    for site, cell in enumerate(self.cells):
      x, _ = recurrent.run(cell, recurrent.dropout(x, self.config.dropout, seed, site))
    x = recurrent.dropout(x[:, length:], self.config.dropout, seed, len(self.cells))
    return tf.tensordot(x, self.output_kernel, 1) + self.output_bias, {}
