"""Models: the Neural GPU, the DNGPU and the LSTM and GRU baselines, behind one interface
(neuralgpu.models.base.Model), built by name through neuralgpu.model_registry."""
import tensorflow as tf

from neuralgpu import model_registry
from neuralgpu.models.read_write import ReadWrite
from neuralgpu.models.seq2seq import Seq2Seq


def build(config, vocab_size: int):
  return model_registry.build(config, vocab_size)


def build_baseline(config, vocab_size: int):
  """The LSTM or GRU baseline in the form --rnn_form."""
  return {'read_write': ReadWrite, 'seq2seq': Seq2Seq}[config.rnn_form](config, vocab_size)


def predictor(model):
  """A compiled inputs [batch, length] -> predicted ids, reused for every shape."""
  return tf.function(model.predict, input_signature=[tf.TensorSpec([None, None], tf.int32)])
