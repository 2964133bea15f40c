"""The Neural GPU of Kaiser & Sutskever (neuralgpu.models.ngpu) as the command line and
the memory checks know it: its settings, those it shares with the DNGPU, its estimates.
Imports no TensorFlow."""
from neuralgpu import model_registry
from neuralgpu.settings import setting

# The settings of the convolutional gated recurrent models (this and the DNGPU).
CGRU = model_registry.declare(
    maps=setting(24, 'Feature maps (channels) of the state.', low=1),
    kernel_width=setting(3, 'Convolution kernel width, along the length.', low=1),
    steps_per_symbol=setting(1, 'Recurrent steps per input position.', low=1),
    train_step_factors=setting('1', 'Comma-separated multiples of the length, each >= 1: '
                               'every training step runs ceil(F * length * '
                               'steps_per_symbol) recurrent steps for an F drawn from '
                               'these by (seed, step), one compiled graph each, so that '
                               'the answer must hold past the length. 1: as the papers.'),
    eval_step_factor=setting(1.0, 'Recurrent steps when not training (validation, '
                             '--mode=eval, decode, trace), as a multiple of those of '
                             'training: ceil(this * length * steps_per_symbol). Above 1 '
                             'the computation runs on past the input\'s length, to see '
                             'whether its answer holds; may be changed for a trained run.',
                             low=1.0),
    compute_dtype=setting('float32', 'Number format of the Neural GPU\'s convolutions; '
                          'weights and state stay float32. bfloat16: CPUs with '
                          'AVX512_BF16, recent GPUs; float16: GPUs.',
                          choices=('float32', 'bfloat16', 'float16')),
)

OWN = model_registry.declare(
    height=setting(4, 'Height of the state (rows).', low=1),
    kernel_height=setting(3, 'Convolution kernel height.', low=1),
    cutoff=setting(1.2, 'Gate cutoff c in clip(c*sigmoid(x) - (c-1)/2, 0, 1).', low=1.0),
    init_scale=setting(1.0, 'Gain of the orthogonal initial CGRU kernels.', low=0.0,
                       low_open=True),
    relax_sets=setting(1, 'Parameter-sharing relaxation: weight sets cycled over the '
                       'steps (1 = off).', low=1),
    pull=setting(0.0005, 'Initial weight of the pull of relaxed sets to their mean.',
                 low=0.0),
    pull_factor=setting(1.2, 'Pull multiplier at each curriculum advance.', low=1.0),
    merge_pull=setting(0.1, 'Merge the relaxed sets into one once the pull exceeds this, '
                       'or the curriculum reaches max_length.', low=0.0),
)


def step_factors(config) -> list[float]:
  """--train_step_factors as numbers; ValueError in one line if one is not a number
  of at least 1."""
  try:
    factors = [float(f) for f in config.train_step_factors.split(',')]
  except ValueError:
    factors = []
  if not factors or min(factors) < 1:
    raise ValueError(f'--train_step_factors={config.train_step_factors} is not valid; give '
                     'comma-separated numbers of at least 1, e.g. 1,1.5,2')
  return factors


def cgru_parameters(config, vocab_size: int, kernel_area: int, sets: int) -> int:
  # Gates (2 maps) and candidate (1) per layer and weight set; input and output.
  return sets * config.layers * 3 * kernel_area * config.maps**2 + 2 * vocab_size * config.maps


def cgru_training_floats(config, length: int, copies: int, rows: int) -> int:
  """Floats of the state (rows x maps per position) a training step keeps for the
  backward pass: `copies` of it per position, recurrent step and cell."""
  steps = length * config.steps_per_symbol * max(step_factors(config))
  return int(copies * steps * length * rows * config.maps * config.layers)


# State copies a training step keeps per position and step: measured 14-19 per CGRU
# (maps 24-48, lengths 41-81), peak resident memory of a step, 2026-11-30.
STORED_COPIES = 12


model_registry.register('ngpu', model_registry.ModelKind(
    builder='neuralgpu.models.ngpu:NeuralGPU',
    summary='the Neural GPU of Kaiser & Sutskever.',
    settings=CGRU + OWN,
    meanings={'layers': 'CGRUs per step, each with its own weights',
              'dropout': 'on the state at every step, scaled by min(1, 3/sqrt(length))'},
    name_in_tables=lambda config: 'Neural GPU',
    # A CGRU step keeps about 12 copies of the state alive (measured with --maps=24).
    activation_floats=lambda config: config.height * config.maps * 12,
    parameters=lambda config, vocab_size: cgru_parameters(
        config, vocab_size, config.kernel_width * config.kernel_height, config.relax_sets),
    training_floats=lambda config, length: cgru_training_floats(
        config, length, STORED_COPIES, config.height),
    check=step_factors,
    draws_state=True))
