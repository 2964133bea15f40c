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
  draws_state: bool = False  # has trace() and readout(): --mode=visualize, probe pictures


def _baseline_name(config) -> str:
  bidirectional = ', bidirectional' if config.bidirectional else ''
  return f'{config.model.upper()} {RNN_FORMS[config.rnn_form]}{bidirectional}'


# A recurrent layer holds per input position its inputs' projections (up to 4 gates),
# states and outputs, for the read and the write steps: about 16 vectors.
def _baseline_floats(config) -> int:
  return config.units * 16 * (1 + config.bidirectional)


KINDS: dict[str, ModelKind] = {
    # A CGRU step keeps about 12 copies of the state alive (measured with --maps=24).
    'ngpu': ModelKind('neuralgpu.models.ngpu:NeuralGPU', lambda c: 'Neural GPU',
                      lambda c: c.height * c.maps * 12, draws_state=True),
    'dngpu': ModelKind('neuralgpu.models.dngpu:DNGPU', lambda c: 'DNGPU',
                       lambda c: c.maps * 12, draws_state=True),
    'lstm': ModelKind('neuralgpu.models:build_baseline', _baseline_name, _baseline_floats),
    'gru': ModelKind('neuralgpu.models:build_baseline', _baseline_name, _baseline_floats),
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
