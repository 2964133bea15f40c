"""The configurations the benchmark measures."""
from neuralgpu.config import Config

# The reference TF1 Neural GPU's configuration, and its times measured on this machine.
REFERENCE = dict(batch_size=32, maps=64, height=4, layers=2, kernel_width=3,
                 kernel_height=3)
REFERENCE_SECONDS = {7: 0.145, 21: 0.758, 41: 2.50}
TINY = dict(maps=4, height=2, batch_size=4)
TINY_UNITS = 8


def configs(tiny: bool):
  """The training configurations measured: name -> Config."""
  shrink = TINY if tiny else {}
  return {'reference': Config(**{**REFERENCE, **shrink}).validate(),
          # The same in bfloat16 (fast where the CPU has AVX512_BF16 or AMX).
          'reference bfloat16': Config(**{**REFERENCE, **shrink},
                                       compute_dtype='bfloat16').validate(),
          'default': Config(**shrink).validate()}


def baseline_configs(tiny: bool):
  units = dict(units=TINY_UNITS, batch_size=TINY['batch_size']) if tiny else {}
  return {f'{model} {form}': Config(model=model, rnn_form=form, **units).validate()
          for model in ('lstm', 'gru') for form in ('read_write', 'seq2seq')}
