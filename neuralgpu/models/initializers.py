"""Initial weights, drawn from a numpy Generator so that a seed fixes them."""
import numpy as np


def orthogonal(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
  """A [fan_in, fan_out] matrix with orthonormal rows or columns."""
  q, r = np.linalg.qr(rng.standard_normal((max(fan_in, fan_out), min(fan_in, fan_out))))
  q *= np.sign(np.diag(r))  # makes the distribution uniform over orthogonal matrices
  return (q if fan_in >= fan_out else q.T).astype(np.float32)


def glorot(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
  """Uniform with the variance 2 / (fan_in + fan_out) of Glorot & Bengio."""
  limit = np.sqrt(6.0 / (fan_in + fan_out))
  return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)
