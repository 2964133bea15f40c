"""Models: the Neural GPU (and, later, LSTM and GRU baselines)."""
import tensorflow as tf

from neuralgpu.models.ngpu import NeuralGPU


def build(config, vocab_size: int):
  if config.model == 'ngpu':
    return NeuralGPU(config, vocab_size)
  raise ValueError(f'unknown model {config.model!r}; valid: ngpu')


def predictor(model):
  """A compiled inputs [batch, length] -> predicted ids, reused for every shape."""
  return tf.function(lambda inputs: tf.argmax(model(inputs)[0], -1, tf.int32),
                     input_signature=[tf.TensorSpec([None, None], tf.int32)])
