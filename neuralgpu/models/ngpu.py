"""The Neural GPU of Kaiser & Sutskever (2016).

The state s is [batch, length, height, maps]; input symbols are embedded into row 0.
Each step applies `layers` CGRUs:
    u = σ'(conv_u(s)), r = σ'(conv_r(s)), c = tanh(conv_c(r ⊙ s)), s ← u ⊙ s + (1−u) ⊙ c
and there are as many steps as the input is long (times steps_per_symbol). Logits are
read from row 0 of the final state.
"""
import numpy as np
import tensorflow as tf

from neuralgpu.models.base import Model, step_count
from neuralgpu.models.initializers import orthogonal
from neuralgpu.models.precision import in_compute_dtype


def cutoff_sigmoid(x, cutoff: float):
  """clip(c·σ(x) − (c−1)/2, 0, 1): reaches 0 and 1 exactly, so a gate can shut fully."""
  return tf.clip_by_value(cutoff * tf.sigmoid(x) - (cutoff - 1.0) / 2.0, 0.0, 1.0)


class CGRU(tf.Module):
  """A convolutional GRU with `sets` weight sets (parameter-sharing relaxation)."""

  def __init__(self, config, rng, name):
    super().__init__(name=name)
    self.config = config
    kw, kh, maps, sets = (config.kernel_width, config.kernel_height, config.maps,
                          config.relax_sets)

    def kernel(out_maps):
      # The same initial weights in every set: relaxation lets them drift apart.
      k = config.init_scale * orthogonal(rng, kw * kh * maps, out_maps)
      k = k.reshape(kw, kh, maps, out_maps)
      return np.stack([k] * sets)

    self.gate_kernel = tf.Variable(kernel(2 * maps), name='gate_kernel')
    self.gate_bias = tf.Variable(tf.ones([sets, 2 * maps]), name='gate_bias')  # open gates
    self.candidate_kernel = tf.Variable(kernel(maps), name='candidate_kernel')
    self.candidate_bias = tf.Variable(tf.zeros([sets, maps]), name='candidate_bias')

  @property
  def relaxed(self):
    return [self.gate_kernel, self.gate_bias, self.candidate_kernel, self.candidate_bias]

  def __call__(self, state, weight_set):
    """One CGRU update of state with weight set `weight_set`."""
    return self.gated(state, weight_set)[0]

  def gated(self, state, weight_set):
    """(the update of __call__, {'update': u, 'reset': r}): the gates for --mode=trace."""
    c = self.config
    pre = self.conv(state, self.gate_kernel[weight_set]) + self.gate_bias[weight_set]
    update, reset = tf.split(cutoff_sigmoid(pre, c.cutoff), 2, axis=-1)
    candidate = tf.tanh(self.conv(reset * state, self.candidate_kernel[weight_set])
                        + self.candidate_bias[weight_set])
    # Written as in the paper, not as c + u·(s − c), which saves an operation (under 1%
    # of a step) but rounds differently: seeds would no longer train as in the README.
    return update * state + (1.0 - update) * candidate, {'update': update, 'reset': reset}

  def conv(self, state, kernel):
    """A SAME convolution computed in --compute_dtype; the result is float32."""
    return in_compute_dtype(lambda x, k: tf.nn.conv2d(x, k, strides=1, padding='SAME'),
                            state, kernel, self.config.compute_dtype)


def dropout_rate(config, length):
  """Per-step recurrent dropout: config.dropout up to length 9, then ∝ 1/sqrt(length)."""
  scale = tf.minimum(1.0, 3.0 / tf.sqrt(tf.cast(length, tf.float32)))
  return config.dropout * scale


class NeuralGPU(Model):

  def __init__(self, config, vocab_size: int, name='neural_gpu'):
    super().__init__(name=name)
    self.config = config
    rng = np.random.default_rng([config.seed, 0])  # initialization has its own stream
    self.embedding = tf.Variable(
        rng.uniform(-1.0, 1.0, (vocab_size, config.maps)).astype(np.float32),
        name='embedding')
    self.cgrus = [CGRU(config, rng, name=f'cgru_{i}') for i in range(config.layers)]
    self.output_kernel = tf.Variable(orthogonal(rng, config.maps, vocab_size),
                                     name='output_kernel')
    self.output_bias = tf.Variable(tf.zeros([vocab_size]), name='output_bias')
    # Relaxation ends by merging the sets; from then on only set 0 is used.
    self.merged = tf.Variable(config.relax_sets == 1, trainable=False, name='merged')
    # Weight of the pull of the relaxed sets to their mean; grows at curriculum advances.
    if config.relax_sets > 1:
      self.pull = tf.Variable(config.pull, trainable=False, name='pull')

  def __call__(self, inputs, training=False, seed=None, targets=None, step_factor=1.0):
    """inputs [batch, length] int32 -> (logits [batch, length, vocab], {}).

    seed: a [2] int tensor for the dropout masks, required when training. The answer
    is read from the final state, so targets are not used.
    """
    c = self.config
    steps = step_count(c, tf.shape(inputs)[1], training, step_factor)
    rate = dropout_rate(c, tf.shape(inputs)[1])

    def step(t, state):
      if training and c.dropout > 0:
        keep = tf.random.stateless_uniform(
            tf.shape(state), tf.random.experimental.stateless_fold_in(seed, t)) >= rate
        state = tf.where(keep, state / (1.0 - rate), 0.0)
      return t + 1, self.step(t, state)

    _, state = tf.while_loop(
        lambda t, *_: t < steps, step, (tf.constant(0), self.embed(inputs)),
        maximum_iterations=steps)  # XLA needs the bound to size the gradient's stacks
    return self.readout(state), {}

  def embed(self, inputs):
    """The initial state: input symbols in row 0, zeros elsewhere and at padding."""
    symbols = tf.gather(self.embedding, inputs) * tf.cast(inputs > 0, tf.float32)[..., None]
    return tf.pad(symbols[:, :, None, :], [[0, 0], [0, 0], [0, self.config.height - 1], [0, 0]])

  def step(self, t, state):
    """One step without dropout: every CGRU once."""
    return self.gated_step(t, state)[0]

  def gated_step(self, t, state):
    """(step's new state, the gates of its CGRUs named 'update 1', 'reset 1', ...)."""
    weight_set = tf.where(self.merged, 0, t % self.config.relax_sets)
    gates = {}
    for number, cgru in enumerate(self.cgrus, 1):
      state, cell_gates = cgru.gated(state, weight_set)
      gates.update({f'{name} {number}': gate for name, gate in cell_gates.items()})
    return state, gates

  def readout(self, state):
    """Logits [batch, length, vocab] from row 0 of a state."""
    return tf.einsum('blm,mv->blv', state[:, :, 0, :], self.output_kernel) + self.output_bias

  def states(self, inputs):
    state = self.embed(inputs)
    yield state, {}
    for t in range(step_count(self.config, inputs.shape[1], training=False)):
      state, gates = self.gated_step(tf.constant(t), state)
      yield state, gates

  @property
  def relaxed(self):
    """The variables that hold one copy per relaxation set."""
    return [v for cgru in self.cgrus for v in cgru.relaxed]

  def relaxation_distance(self):
    """Sum of squared distances of each weight set from the sets' mean."""
    return tf.add_n([tf.reduce_sum(tf.square(v - tf.reduce_mean(v, 0, keepdims=True)))
                     for v in self.relaxed])

  def merge_sets(self):
    """Sets every weight set to the sets' mean and uses only that from now on."""
    for v in self.relaxed:
      v.assign(tf.broadcast_to(tf.reduce_mean(v, 0, keepdims=True), v.shape))
    self.merged.assign(True)

  def relaxing(self) -> bool:
    return self.config.relax_sets > 1 and not bool(self.merged)

  def auxiliary_loss(self, extras):
    """The pull of the relaxed weight sets to their mean, until they are merged."""
    if self.config.relax_sets == 1:
      return tf.constant(0.0)
    return tf.where(self.merged, 0.0, self.pull * self.relaxation_distance())

  def on_curriculum_advance(self, at_max_length):
    """The relaxation schedule: the pull grows by pull_factor; once it passes merge_pull,
    or the curriculum reaches max_length, the sets are merged (the model to keep and to
    test on longer inputs is one set of weights shared by every step)."""
    if not self.relaxing():
      return False
    self.pull.assign(self.pull * self.config.pull_factor)
    if float(self.pull) > self.config.merge_pull or at_max_length:
      self.merge_sets()
      return True
    return False

  def logged(self):
    return {'pull': float(self.pull)} if self.config.relax_sets > 1 else {}
