"""Convolutions in a reduced number format (--compute_dtype), weights and state float32."""
import tensorflow as tf


def in_compute_dtype(convolution, state, kernel, compute_dtype: str):
  """convolution(state, kernel) computed in compute_dtype; the result is float32."""
  dtype = tf.as_dtype(compute_dtype)
  if dtype == tf.float32:
    return convolution(state, kernel)
  return tf.cast(convolution(tf.cast(state, dtype), tf.cast(kernel, dtype)), tf.float32)
