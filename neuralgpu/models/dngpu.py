"""The DNGPU of Freivalds & Liepins ("Improving the Neural GPU Architecture for Algorithm
Learning"), as their code computes it (LUMII-Syslab/DNGPU, DNGPU_model.py, class DNGPU).

The state is one row: [batch, 1, length, maps] (an image of height 1, the layout of the
convolution kernels). The input (createLoss): the symbols through a width-1 convolution
with bias (an embedding lookup plus a bias), a hard tanh, dropout, and the mask. Each
step applies `layers` diagonal CGRUs (DCGRU; the reference has one), each with its own
weights shared by every step:
    r = hard_sigmoid(conv_r(s) + 0.5),  g = hard_sigmoid(conv_g(s) + 0.7)
    c = dropout(hard_tanh(conv_c(r * s)))
    s = mask * (g * shift(s) + (1 - g) * c)
where hard_sigmoid(x) = clip(x/2 + 1/2, 0, 1), hard_tanh(x) = clip(x, -1, 1), and shift
moves a third of the maps one position up the length and a third one position down
(create_shift_filter). The logits are a width-1 convolution of the final state.

The mask zeroes positions where both the input and the target are padding: the padding
that fills a shorter example up to its bin (--batching=bins). Without targets (in
prediction) nothing is masked, so an input is never judged by its answer.

Saturation cost (add_saturation_cost, createGraph): relu(|x| - saturation_limit) summed
over every pre-activation of r, g and c and over the input's (that one times the
length), divided by length² × examples. The trainer weighs it by the model's
`saturation_weight`, which `after_window` adapts as DNGPU_trainer.py does.

Where ours differs: initial weights are drawn from a numpy generator seeded by --seed
(same Glorot-uniform law as TensorFlow's default initializer); the input convolution's
fan-in is our vocabulary size, not the reference's fixed 13; the constant gate biases
0.5 and 0.7 are the initial values of the bias variables (the same function and
gradients); the r and g convolutions are one convolution with 2·maps outputs.

Speed: as the reference, the steps are unrolled where the length is known when the
graph is built (each bin of a training step); the shift is a depthwise convolution, as
the reference's (slices and concatenations took 15% longer a step, their gradients
being many small operations).
"""
import numpy as np
import tensorflow as tf

from neuralgpu.models.base import Model, step_count
from neuralgpu.models.initializers import glorot
from neuralgpu.models.precision import in_compute_dtype
from tasks.base import PAD

RESET_BIAS, GATE_BIAS = 0.5, 0.7  # DNGPU_model.DCGRU's bias_start of r and g


# Both are written with relu6 (clip(y, 0, 6)), whose gradient is one operation: the
# training step took 2-3% less time than with clip_by_value, for the same function.
def hard_sigmoid(x):
  """clip(x/2 + 1/2, 0, 1) = relu6(3x + 3) / 6: saturates at |x| = 1
  (DNGPU_model.hard_sigmoid)."""
  return tf.nn.relu6(3.0 * x + 3.0) * (1.0 / 6.0)


def hard_tanh(x):
  """clip(x, -1, 1) = relu6(3x + 3) / 3 - 1 (DNGPU_model.hard_tanh)."""
  return tf.nn.relu6(3.0 * x + 3.0) * (1.0 / 3.0) - 1.0


def saturation(x, limit: float):
  """sum relu(|x| - limit) (DNGPU_model.add_saturation_cost, before its weighting)."""
  return tf.reduce_sum(tf.nn.relu(tf.abs(x) - limit))


def shift_filter(maps: int) -> tf.Tensor:
  """The depthwise filter of the diagonal gates (create_shift_filter), [1, 3, maps, 1]:
  of m maps, the first m - 2·(m//3) stay, the next m//3 come from one position before
  (x - 1), the last m//3 from one position after (x + 1); zeros come in at the ends."""
  third = maps // 3
  taps = [[0, 1, 0]] * (maps - 2 * third) + [[1, 0, 0]] * third + [[0, 0, 1]] * third
  return tf.constant(np.array(taps, np.float32).T[None, :, :, None])


def shift_thirds(state):
  """The diagonal shift of a state [batch, 1, length, maps]."""
  return tf.nn.depthwise_conv2d(state, shift_filter(state.shape[-1]), [1, 1, 1, 1], 'SAME')


def dropout(x, rate: float, seed):
  """Inverted dropout (as tf.nn.dropout); the identity without a seed."""
  if seed is None or rate == 0:
    return x
  return tf.nn.experimental.stateless_dropout(x, rate, seed=seed)


def conv_kernel(rng, width: int, maps_in: int, maps_out: int) -> np.ndarray:
  """A [width, in, out] kernel, Glorot-uniform as tf.get_variable's default
  initializer draws it (fans: width × in and width × out)."""
  limit = np.sqrt(6.0 / (width * (maps_in + maps_out)))
  return rng.uniform(-limit, limit, (width, maps_in, maps_out)).astype(np.float32)


class DCGRU(tf.Module):
  """One diagonal convolutional GRU (DNGPU_model.DCGRU)."""

  def __init__(self, config, rng, name):
    super().__init__(name=name)
    self.config = config
    width, maps = config.kernel_width, config.maps
    # r and g: two kernels drawn as the reference's two, applied as one convolution.
    self.gate_kernel = tf.Variable(np.concatenate(
        [conv_kernel(rng, width, maps, maps) for _ in range(2)], axis=-1), name='gate_kernel')
    self.gate_bias = tf.Variable(np.repeat([RESET_BIAS, GATE_BIAS], maps).astype(np.float32),
                                 name='gate_bias')
    self.candidate_kernel = tf.Variable(conv_kernel(rng, width, maps, maps),
                                        name='candidate_kernel')
    self.candidate_bias = tf.Variable(tf.zeros([maps]), name='candidate_bias')

  def __call__(self, state, mask, seed=None, training=False):
    """(new state, summed saturation of the r, g and c pre-activations: in training only,
    0 otherwise, {'reset': r, 'gate': g}); state [batch, 1, length, maps]."""
    limit = self.config.saturation_limit
    pre_gates = self.conv(state, self.gate_kernel, self.gate_bias)
    reset, gate = tf.split(hard_sigmoid(pre_gates), 2, axis=-1)
    pre_candidate = self.conv(reset * state, self.candidate_kernel, self.candidate_bias)
    candidate = dropout(hard_tanh(pre_candidate), self.config.dropout, seed)
    new = gate * shift_thirds(state) + (1.0 - gate) * candidate
    if mask is not None:
      new *= mask
    gates = {'reset': reset, 'gate': gate}
    if not training:
      return new, 0.0, gates
    return new, saturation(pre_gates, limit) + saturation(pre_candidate, limit), gates

  def conv(self, state, kernel, bias):
    """A SAME convolution along the length in --compute_dtype, plus bias; float32."""
    return tf.nn.bias_add(in_compute_dtype(
        lambda x, k: tf.nn.conv2d(x, k[None], strides=1, padding='SAME'),
        state, kernel, self.config.compute_dtype), bias)


class DNGPU(Model):

  extras = ('saturation',)

  def __init__(self, config, vocab_size: int, name='dngpu'):
    super().__init__(name=name)
    self.config = config
    rng = np.random.default_rng([config.seed, 0])  # initialization has its own stream
    maps = config.maps
    self.input_kernel = tf.Variable(glorot(rng, vocab_size, maps), name='input_kernel')
    self.input_bias = tf.Variable(tf.zeros([maps]), name='input_bias')
    self.cells = [DCGRU(config, rng, name=f'dcgru_{i}') for i in range(config.layers)]
    self.output_kernel = tf.Variable(glorot(rng, maps, vocab_size), name='output_kernel')
    self.output_bias = tf.Variable(tf.zeros([vocab_size]), name='output_bias')
    self.saturation_weight = tf.Variable(config.saturation_weight, trainable=False,
                                         name='saturation_weight')

  def __call__(self, inputs, training=False, seed=None, targets=None, step_factor=1.0):
    """inputs [batch, length] -> (logits [batch, length, vocab], {'saturation': cost
    before its weight, 0 outside training}). seed: a [2] int tensor for dropout,
    required when training."""
    c = self.config
    length = tf.shape(inputs)[1]
    seed = seed if training else None
    mask = self.mask(inputs, targets)
    pre_input = tf.gather(self.input_kernel, inputs)[:, None] + self.input_bias
    state = dropout(hard_tanh(pre_input), c.dropout, self.fold(seed, 0))
    if mask is not None:
      state *= mask
    # The input's saturation counts once per step, as the reference weighs it (with
    # step_factor more steps, that many times more, and the scale below with it).
    input_saturation = (saturation(pre_input, c.saturation_limit) *
                        tf.cast(length, tf.float32) * step_factor if training
                        else tf.constant(0.0))

    def step(t, state, total):
      state, sat, _ = self.step(state, mask, seed, t, training)
      return t + 1, state, total + sat

    loop = (tf.constant(0), state, input_saturation)
    if inputs.shape[1] is not None:  # unrolled, as the reference's graph
      for _ in range(step_count(c, inputs.shape[1], training, step_factor)):
        loop = step(*loop)
      _, state, total = loop
    else:
      steps = step_count(c, length, training, step_factor)
      _, state, total = tf.while_loop(
          lambda t, *_: t < steps, step, loop,
          maximum_iterations=steps)  # XLA needs the bound to size the gradient's stacks
    scale = (tf.cast(length, tf.float32)**2 * tf.cast(tf.shape(inputs)[0], tf.float32)
             * step_factor)
    return self.logits(state[:, 0]), {'saturation': total / scale}

  def step(self, state, mask, seed=None, t=0, training=False):
    """Every DCGRU once on a state [batch, 1, length, maps]; (new state, their summed
    saturation in training, their gates named 'reset 1', 'gate 1', ...)."""
    total, gates = 0.0, {}
    for i, cell in enumerate(self.cells):
      state, sat, cell_gates = cell(state, mask, self.fold(seed, 1 + t * len(self.cells) + i),
                                    training)
      total += sat
      gates.update({f'{name} {i + 1}': gate for name, gate in cell_gates.items()})
    return state, total, gates

  @staticmethod
  def fold(seed, index):
    return None if seed is None else tf.random.experimental.stateless_fold_in(seed, index)

  @staticmethod
  def mask(inputs, targets):
    """[batch, 1, length, 1]: 0 where input and target are both padding (a bin's fill);
    None (nothing masked) without targets."""
    if targets is None:
      return None
    used = tf.logical_or(tf.not_equal(inputs, PAD), tf.not_equal(targets, PAD))
    return tf.cast(used, tf.float32)[:, None, :, None]

  def logits(self, state):
    """Logits [batch, length, vocab] from a state [batch, length, maps]."""
    return tf.einsum('blm,mv->blv', state, self.output_kernel) + self.output_bias

  def auxiliary_loss(self, extras):
    return self.saturation_weight * extras['saturation']

  def after_window(self, means, lr):
    """DNGPU_trainer.py, every display_step: the saturation weight becomes
    lr × mean loss / mean saturation of the window, at most --saturation_weight (and at
    least 1e-20, as set_saturation_weight clips it)."""
    weight = float(self.saturation_weight)
    if weight == 0 or self.config.saturation_weight == 0:
      return
    # The reference divides by the mean *weighted* cost, then multiplies the weight back.
    ratio = means['loss'] / (weight * means['saturation'] + 1e-20) * weight * lr
    self.saturation_weight.assign(max(min(ratio, self.config.saturation_weight), 1e-20))

  def logged(self):
    return {'saturation_weight': float(self.saturation_weight)}

  def embed(self, inputs):
    """The initial evaluation-mode state [batch, 1, length, maps]."""
    return hard_tanh(tf.gather(self.input_kernel, inputs)[:, None] + self.input_bias)

  def readout(self, state):
    """Logits from a state with a height axis [batch, length, 1, maps], as states yields."""
    return self.logits(state[:, :, 0, :])

  def states(self, inputs):
    state = self.embed(tf.constant(inputs, tf.int32))
    yield tf.transpose(state, [0, 2, 1, 3]), {}  # [batch, length, 1 row, maps]
    for _ in range(step_count(self.config, inputs.shape[1], training=False)):
      state, _, gates = self.step(state, None)
      yield tf.transpose(state, [0, 2, 1, 3]), gates
