"""The encoder–decoder baseline with attention (the LSTM+attention baseline of the
Neural GPU paper): a stacked, optionally bidirectional, LSTM or GRU encodes the input; a
stacked decoder started from the encoder's final states writes the answer one symbol at
a time, attending over the encoder's outputs (Luong et al.'s "general" score).

Training feeds the decoder the true previous symbol (teacher forcing); without targets
the model decodes greedily, feeding back its own predictions.
"""
import numpy as np
import tensorflow as tf

from neuralgpu.models import recurrent
from neuralgpu.models.base import EndsAtPadding
from neuralgpu.models.initializers import glorot

# Dropout sites (each draws its own masks from the step's seed).
ENCODER_SITE, DECODER_SITE, OUTPUT_SITE = 0, 1000, 2000


class Seq2Seq(EndsAtPadding):

  def __init__(self, config, vocab_size: int, name='seq2seq'):
    super().__init__(name=name)
    self.config = config
    rng = np.random.default_rng([config.seed, 0])
    units, cell = config.units, recurrent.CELLS[config.model]
    directions = 2 if config.bidirectional else 1
    width = directions * units  # of the encoder's outputs, and so of the decoder
    self.start = vocab_size  # an extra embedding row: the decoder's first input
    self.embedding = tf.Variable(rng.uniform(-1.0, 1.0, (vocab_size + 1, units))
                                 .astype(np.float32), name='embedding')
    self.encoder = [[cell(units if i == 0 else width, units, rng, name=f'encoder_{i}_{d}')
                     for d in range(directions)] for i in range(config.layers)]
    self.decoder = [cell(units if i == 0 else width, width, rng, name=f'decoder_{i}')
                    for i in range(config.layers)]
    self.attention_kernel = tf.Variable(glorot(rng, width, width), name='attention_kernel')
    self.combine_kernel = tf.Variable(glorot(rng, 2 * width, units), name='combine_kernel')
    self.output_kernel = tf.Variable(glorot(rng, units, vocab_size), name='output_kernel')
    self.output_bias = tf.Variable(tf.zeros([vocab_size]), name='output_bias')

  def __call__(self, inputs, training=False, seed=None, targets=None):
    """inputs [batch, length] -> (logits [batch, length, vocab], {}): teacher-forced
    when targets [batch, length] are given, greedy otherwise."""
    seed = seed if training else None
    memory, states = self.encode(inputs, seed)
    if targets is None:
      if training:
        raise ValueError('training a seq2seq model needs the targets (teacher forcing)')
      return self.greedy(memory, states, tf.shape(inputs)[1]), {}
    previous = tf.concat([tf.fill([tf.shape(targets)[0], 1], self.start), targets[:, :-1]],
                         axis=1)
    x = tf.gather(self.embedding, previous)
    for i, (cell, state) in enumerate(zip(self.decoder, states)):
      x, _ = recurrent.run(cell, recurrent.dropout(x, self.config.dropout, seed,
                                                   DECODER_SITE + i), state)
    return self.read_out(x, memory, seed), {}

  def encode(self, inputs, seed):
    """(outputs [batch, length, width], each layer's final state, directions joined)."""
    x, finals = tf.gather(self.embedding, inputs), []
    for i, layer in enumerate(self.encoder):
      x = recurrent.dropout(x, self.config.dropout, seed, ENCODER_SITE + i)
      outputs, states = zip(*[recurrent.run(cell, x, reverse=d == 1)
                              for d, cell in enumerate(layer)])
      x = tf.concat(outputs, axis=-1)
      finals.append(tuple(tf.concat(parts, axis=-1) for parts in zip(*states)))
    return x, finals

  def read_out(self, queries, memory, seed=None):
    """Logits [batch, steps, vocab] from decoder outputs [batch, steps, width] and
    attention over the encoder outputs [batch, length, width]."""
    scores = tf.einsum('btd,de,bse->bts', queries, self.attention_kernel, memory)
    context = tf.einsum('bts,bse->bte', tf.nn.softmax(scores), memory)
    combined = tf.tanh(tf.tensordot(tf.concat([queries, context], -1),
                                    self.combine_kernel, 1))
    combined = recurrent.dropout(combined, self.config.dropout, seed, OUTPUT_SITE)
    return tf.tensordot(combined, self.output_kernel, 1) + self.output_bias

  def greedy(self, memory, states, length):
    """Logits [batch, length, vocab], each step fed the previous step's prediction."""

    def step(t, previous, states, logits):
      x, new_states = tf.gather(self.embedding, previous), []
      for cell, state in zip(self.decoder, states):
        state = cell.step(cell.project(x), state)
        new_states.append(state)
        x = state[0]
      step_logits = self.read_out(x[:, None], memory)[:, 0]
      return (t + 1, tf.argmax(step_logits, -1, tf.int32), new_states,
              logits.write(t, step_logits))

    start = tf.fill([tf.shape(memory)[0]], self.start)
    _, _, _, logits = tf.while_loop(
        lambda t, *_: t < length, step,
        (tf.constant(0), start, list(states), tf.TensorArray(tf.float32, size=length)))
    return tf.transpose(logits.stack(), [1, 0, 2])
