"""The configurations the benchmark measures."""

from experiments import presets
from neuralgpu import threads
from neuralgpu.config import Config

# The reference TF1 Neural GPU's configuration.
REFERENCE = dict(batch_size=32, maps=64, height=4, layers=2, kernel_width=3,
                 kernel_height=3)
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


def dngpu_configs(tiny: bool) -> dict:
  """The bmul_dngpu preset (96 maps, every bin of 8 to 41, 32 examples each): name ->
  Config, under TensorFlow's default threads and as runs train it."""
  small = dict(maps=6, batch_size=2, bins='5,9', max_length=9) if tiny else {}
  return {'float32, TensorFlow\'s threads': presets.config(
              'bmul_dngpu', {**small, 'op_threads': threads.cores()}),
          'float32': presets.config('bmul_dngpu', small),
          'bfloat16': presets.config('bmul_dngpu', {**small, 'compute_dtype': 'bfloat16'})}


def eval_configs(tiny: bool) -> dict:
  """The configurations whose evaluation is measured: name -> Config."""
  return {'default': configs(tiny)['default'], 'bmul_dngpu': dngpu_configs(tiny)['float32']}


def baseline_configs(tiny: bool):
  units = dict(units=TINY_UNITS, batch_size=TINY['batch_size']) if tiny else {}
  return {f'{model} {form}': Config(model=model, rnn_form=form, **units).validate()
          for model in ('lstm', 'gru') for form in ('read_write', 'seq2seq')}
