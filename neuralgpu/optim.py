"""Gradient processing and Adam, written out so every step is visible and checkpointed."""
import tensorflow as tf


def gradient_noise_std(grad_noise: float, step: int) -> float:
  """Annealed noise scale eta / (1 + step)^0.275: variance decays as step^-0.55
  (Neelakantan et al., "Adding Gradient Noise Improves Learning for Very Deep Networks")."""
  return grad_noise / (1.0 + step) ** 0.275


def clip_and_add_noise(grads, max_norm, noise_std, seed):
  """Clips to global norm max_norm, then adds the noise; returns (grads, norm before)."""
  # Dense: an embedding's gradient comes as IndexedSlices from tf.gather.
  grads, norm = tf.clip_by_global_norm([tf.convert_to_tensor(g) for g in grads], max_norm)
  return add_gradient_noise(grads, noise_std, seed), norm


def add_gradient_noise(grads, std, seed):
  """Adds N(0, std²) to every gradient, from a stateless seed so resumes replay it."""
  return [g + std * tf.random.stateless_normal(
      tf.shape(g), tf.random.experimental.stateless_fold_in(seed, i))
          for i, g in enumerate(grads)]


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
