"""The LSTM and GRU baselines (neuralgpu.models.baselines) as the command line and the
memory checks know them: their settings and estimates. Imports no TensorFlow."""
from neuralgpu import model_registry
from neuralgpu.settings import setting

RNN_FORMS = {'read_write': 'read-then-write', 'seq2seq': 'encoder-decoder + attention'}

OWN = model_registry.declare(
    rnn_form=setting('read_write', 'read_write: one stacked network reads the input, then '
                     'runs over blanks for as many steps, writing the answer there; '
                     'seq2seq: encoder-decoder with attention, teacher-forced in '
                     'training, greedy in evaluation.', choices=tuple(RNN_FORMS)),
    units=setting(128, 'Units of every recurrent layer (per direction).', low=1),
    bidirectional=setting(False, 'Bidirectional encoder (--rnn_form=seq2seq).'),
)


def name_in_tables(config) -> str:
  bidirectional = ', bidirectional' if config.bidirectional else ''
  return f'{config.model.upper()} {RNN_FORMS[config.rnn_form]}{bidirectional}'


# A recurrent layer holds per input position its inputs' projections (up to 4 gates),
# states and outputs, for the read and the write steps: about 16 vectors.
def activation_floats(config) -> int:
  return config.units * 16 * (1 + config.bidirectional)


def parameters(config, vocab_size: int) -> int:
  # Up to 4 gates, each with an input and a recurrent kernel, per layer, in the encoder
  # and the decoder (seq2seq) or one network (read_write).
  networks = 2 if config.rnn_form == 'seq2seq' else 1
  return (networks * config.layers * 4 * 2 * config.units**2 * (1 + config.bidirectional)
          + 2 * vocab_size * config.units)


def training_floats(config, length: int) -> int:
  return 2 * length * activation_floats(config) * config.layers


def check(config) -> None:
  if config.bidirectional and config.rnn_form != 'seq2seq':
    raise ValueError('--bidirectional needs --rnn_form=seq2seq: a read_write network '
                     'writes as it reads, so it cannot read ahead')


for _name, _cell in (('lstm', 'LSTM'), ('gru', 'GRU')):
  model_registry.register(_name, model_registry.ModelKind(
      builder='neuralgpu.models.baselines:build',
      summary=f'the {_cell} baseline in the form --rnn_form.',
      settings=OWN,
      meanings={'layers': 'stacked recurrent layers (in the encoder and in the decoder)',
                'dropout': 'on the inputs and outputs of every layer, never on the '
                           'recurrent state'},
      name_in_tables=name_in_tables, activation_floats=activation_floats,
      parameters=parameters, training_floats=training_floats, check=check))
