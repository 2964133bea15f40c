"""Gradient processing, Adam and DNGPU's AdaMax, written out so every step is visible
and checkpointed."""
import tensorflow as tf


def gradient_noise_std(grad_noise: float, step: int) -> float:
  """Annealed noise scale eta / (1 + step)^0.275: variance decays as step^-0.55
  (Neelakantan et al., "Adding Gradient Noise Improves Learning for Very Deep Networks")."""
  return grad_noise / (1.0 + step) ** 0.275


def clip_and_add_noise(grads, max_norm, noise_std, seed):
  """Clips to global norm max_norm (0: no clipping), then adds the noise; returns (grads,
  norm before)."""
  # Dense: an embedding's gradient comes as IndexedSlices from tf.gather.
  grads = [tf.convert_to_tensor(g) for g in grads]
  norm = tf.linalg.global_norm(grads)
  if max_norm > 0:
    grads, _ = tf.clip_by_global_norm(grads, max_norm, use_norm=norm)
  return add_gradient_noise(grads, noise_std, seed), norm


def add_gradient_noise(grads, std, seed, draw=tf.random.stateless_normal):
  """Adds std times a draw (by default N(0, 1)) to every gradient element, from a
  stateless seed so resumes replay it."""
  return [g + std * draw(tf.shape(g), tf.random.experimental.stateless_fold_in(seed, i))
          for i, g in enumerate(grads)]


def add_rate_noise(grads, lr, scale, seed):
  """DNGPU_model.createGraph: every gradient plus a truncated normal (|x| < 2) times
  lr × scale."""
  return add_gradient_noise(grads, lr * scale, seed, tf.random.stateless_truncated_normal)


class Adam(tf.Module):
  """Adam (Kingma & Ba) with the learning rate passed in at each step."""

  def __init__(self, variables, beta1=0.9, beta2=0.999, epsilon=1e-6):
    super().__init__(name='adam')
    self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
    self.iterations = tf.Variable(0, dtype=tf.int64, trainable=False, name='iterations')
    self.first = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    self.second = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]

  def apply(self, grads, variables, lr):
    self.iterations.assign_add(1)
    t = tf.cast(self.iterations, tf.float32)
    lr_t = lr * tf.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)
    for g, v, m, s in zip(grads, variables, self.first, self.second):
      m.assign(self.beta1 * m + (1.0 - self.beta1) * g)
      s.assign(self.beta2 * s + (1.0 - self.beta2) * tf.square(g))
      v.assign_sub(lr_t * m / (tf.sqrt(s) + self.epsilon))


class AdaMax(tf.Module):
  """The AdaMax of DNGPU (adamax.py, AdamaxOptimizer._apply_dense), with its schedule of
  beta2 (DNGPU_model.__init__):
      clip = 1.2·v + 1e-4;  g = clip(g, −clip, clip)   (each element, by its own past)
      m = β1·m + (1−β1)·g;  v = max(β2·v, |g|);  w −= lr·m / (v + ε)
  β1 0.9, ε 1e-8, β2 = 1 − max(0.0005, 0.01·0.5^(t/2000)) at update t (counted from 0),
  and no bias correction: the first updates are small, as the reference's are.
  """

  def __init__(self, variables, beta1=0.9, epsilon=1e-8, clip_multiplier=1.2,
               clip_epsilon=1e-4):
    super().__init__(name='adamax')
    self.beta1, self.epsilon = beta1, epsilon
    self.clip_multiplier, self.clip_epsilon = clip_multiplier, clip_epsilon
    self.iterations = tf.Variable(0, dtype=tf.int64, trainable=False, name='iterations')
    self.first = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    self.maximum = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]

  def beta2(self):
    halvings = tf.cast(self.iterations, tf.float32) / 2000.0
    return 1.0 - tf.maximum(0.0005, 0.01 * 0.5**halvings)

  def apply(self, grads, variables, lr):
    beta2 = self.beta2()
    self.iterations.assign_add(1)
    for g, w, m, v in zip(grads, variables, self.first, self.maximum):
      bound = v * self.clip_multiplier + self.clip_epsilon
      g = tf.clip_by_value(g, -bound, bound)
      m.assign(self.beta1 * m + (1.0 - self.beta1) * g)
      v.assign(tf.maximum(beta2 * v, tf.abs(g)))
      w.assign_sub(lr * m / (v + self.epsilon))


OPTIMIZERS = {'adam': Adam, 'adamax': AdaMax}
