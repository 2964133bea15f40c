"""Every model `--model` can name, with what the trainer, evaluation and the command line
need to know of it. Importing this does not import TensorFlow: the class is imported
when a model is built.

A new model is one entry here and a class implementing
neuralgpu.models.base.Model; its hooks (auxiliary loss, curriculum advance, adapting
after each validation window, tracing its state) live on the class.
"""
import dataclasses
import importlib
from typing import Callable

RNN_FORMS = {'read_write': 'read-then-write', 'seq2seq': 'encoder-decoder + attention'}


@dataclasses.dataclass(frozen=True)
class ModelKind:
  builder: str  # 'module:Class', built as Class(config, vocab_size)
  describe: Callable  # config -> the model's name in tables
  # Floats alive per input position while evaluating one example: sizes evaluation
  # batches to a memory budget.
  activation_floats: Callable
  # (config, vocab_size) -> weights; (config, length) -> floats a training step keeps
  # per example for the backward pass. Both estimate memory before a run starts
  # (neuralgpu.memory), so they err low: a run they let through may still not fit.
  parameters: Callable
  training_floats: Callable
  draws_state: bool = False  # has states() and readout(): visualize, trace, probe pictures


def _baseline_name(config) -> str:
  bidirectional = ', bidirectional' if config.bidirectional else ''
  return f'{config.model.upper()} {RNN_FORMS[config.rnn_form]}{bidirectional}'


# A recurrent layer holds per input position its inputs' projections (up to 4 gates),
# states and outputs, for the read and the write steps: about 16 vectors.
def _baseline_floats(config) -> int:
  return config.units * 16 * (1 + config.bidirectional)


def _baseline_parameters(config, vocab_size: int) -> int:
  # Up to 4 gates, each with an input and a recurrent kernel, per layer, in the encoder
  # and the decoder (seq2seq) or one network (read_write).
  networks = 2 if config.rnn_form == 'seq2seq' else 1
  return (networks * config.layers * 4 * 2 * config.units**2 * (1 + config.bidirectional)
          + 2 * vocab_size * config.units)


def _cgru_parameters(config, vocab_size: int, kernel_area: int, sets: int) -> int:
  # Gates (2 maps) and candidate (1) per layer and weight set; input and output.
  return sets * config.layers * 3 * kernel_area * config.maps**2 + 2 * vocab_size * config.maps


# Floats of the state a training step keeps per position and recurrent step, for the
# backward pass: measured 14-19 state copies per CGRU (maps 24-48, lengths 41-81) and
# 23-24 per DCGRU (maps 48-96), peak resident memory of a step, 2026-11-30.
NGPU_STORED_COPIES = 12
DNGPU_STORED_COPIES = 16


KINDS: dict[str, ModelKind] = {
    # A CGRU step keeps about 12 copies of the state alive (measured with --maps=24).
    'ngpu': ModelKind(
        'neuralgpu.models.ngpu:NeuralGPU', lambda c: 'Neural GPU',
        lambda c: c.height * c.maps * 12,
        lambda c, v: _cgru_parameters(c, v, c.kernel_width * c.kernel_height, c.relax_sets),
        lambda c, n: NGPU_STORED_COPIES * n * c.steps_per_symbol * n * c.height * c.maps
        * c.layers, draws_state=True),
    'dngpu': ModelKind(
        'neuralgpu.models.dngpu:DNGPU', lambda c: 'DNGPU', lambda c: c.maps * 12,
        lambda c, v: _cgru_parameters(c, v, c.kernel_width, 1),
        lambda c, n: DNGPU_STORED_COPIES * n * c.steps_per_symbol * n * c.maps * c.layers,
        draws_state=True),
    'lstm': ModelKind('neuralgpu.models:build_baseline', _baseline_name, _baseline_floats,
                      _baseline_parameters,
                      lambda c, n: 2 * n * _baseline_floats(c) * c.layers),
    'gru': ModelKind('neuralgpu.models:build_baseline', _baseline_name, _baseline_floats,
                     _baseline_parameters,
                     lambda c, n: 2 * n * _baseline_floats(c) * c.layers),
}


def names() -> tuple[str, ...]:
  return tuple(KINDS)


def get(name: str) -> ModelKind:
  if name not in KINDS:
    raise ValueError(f'unknown model {name!r}; valid: {", ".join(KINDS)}')
  return KINDS[name]


def build(config, vocab_size: int):
  module, _, attribute = get(config.model).builder.partition(':')
  return getattr(importlib.import_module(module), attribute)(config, vocab_size)
