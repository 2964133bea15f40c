"""The LSTM and GRU baselines, built in the form --rnn_form."""
from neuralgpu.models.read_write import ReadWrite
from neuralgpu.models.seq2seq import Seq2Seq


def build(config, vocab_size: int):
  return {'read_write': ReadWrite, 'seq2seq': Seq2Seq}[config.rnn_form](config, vocab_size)
