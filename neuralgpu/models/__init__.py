"""Models: the Neural GPU and the LSTM and GRU baselines, behind one interface
(neuralgpu.models.base.Model)."""
import tensorflow as tf

from neuralgpu.models.ngpu import NeuralGPU
from neuralgpu.models.read_write import ReadWrite
from neuralgpu.models.seq2seq import Seq2Seq

BASELINE_FORMS = {'read_write': ReadWrite, 'seq2seq': Seq2Seq}


def build(config, vocab_size: int):
  if config.model == 'ngpu':
    return NeuralGPU(config, vocab_size)
  return BASELINE_FORMS[config.rnn_form](config, vocab_size)


def predictor(model):
  """A compiled inputs [batch, length] -> predicted ids, reused for every shape."""
  return tf.function(model.predict, input_signature=[tf.TensorSpec([None, None], tf.int32)])
