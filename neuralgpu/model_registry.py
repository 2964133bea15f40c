"""Every model `--model` can name, with what the trainer, evaluation and the command line
need to know of it. Importing this does not import TensorFlow: a model's class is
imported when the model is built.

A model is a class implementing neuralgpu.models.base.Model and one `register` call
with its ModelKind: the settings it owns, what the shared settings (--layers, --dropout)
mean for it, and its memory estimates. The built-in models declare theirs in
neuralgpu/models/*_settings.py; a model of the user's own comes in through --imports,
as a task does, and may read the settings of the built-in models but declare no new one
(the flags are made before --imports is read).
"""
import dataclasses
import importlib
from typing import Callable


def _unknown(*_) -> int:
  return 0  # no estimate: the memory checks let the model through


@dataclasses.dataclass(frozen=True)
class ModelKind:
  # Builds the model as builder(config, vocab_size): a callable, or 'module:attribute'
  # imported when first built (so that declaring a model imports no TensorFlow).
  builder: str | Callable
  summary: str  # what the model is, for --model's help
  settings: tuple[str, ...] = ()  # the settings of this model only (others' are refused)
  meanings: dict = dataclasses.field(default_factory=dict)  # shared setting -> its meaning
  name_in_tables: Callable = None  # config -> the model's name in tables (default: --model)
  # Memory estimates (neuralgpu.runs.memory), all erring low: a run they let through may still
  # not fit. Floats alive per input position while evaluating one example; (config,
  # vocab_size) -> weights; (config, length) -> floats a training step keeps per example
  # for the backward pass.
  activation_floats: Callable = _unknown
  parameters: Callable = _unknown
  training_floats: Callable = _unknown
  draws_state: bool = False  # has states() and readout(): visualize, trace, probe pictures
  # config -> None, or ValueError in one line if the model's settings do not go together.
  check: Callable = lambda config: None

  def describe(self, config) -> str:
    return self.name_in_tables(config) if self.name_in_tables else config.model


KINDS: dict[str, ModelKind] = {}
# Every model-owned setting, as declared by the built-in models: name -> field.
SETTINGS: dict[str, dataclasses.Field] = {}


def declare(**fields: dataclasses.Field) -> tuple[str, ...]:
  """Declares model-owned settings (neuralgpu.settings.setting fields), each once;
  returns their names for a ModelKind's settings. Only the built-in models declare:
  the Config is made from these when neuralgpu.config is imported."""
  for name, field in fields.items():
    if name in SETTINGS:
      raise ValueError(f'the model setting --{name} is declared twice')
    SETTINGS[name] = field
  return tuple(fields)


def register(name: str, kind: ModelKind) -> ModelKind:
  """Makes --model=name build kind; ValueError in one line if the name is taken or the
  kind names a setting no built-in model declares."""
  if name in KINDS:
    raise ValueError(f'a model named {name!r} is already registered')
  new = [setting for setting in kind.settings if setting not in SETTINGS]
  if new:
    raise ValueError(f'model {name!r} names --{new[0]}, which is not a model setting; a model '
                     f'registered through --imports may read these: '
                     f'{", ".join("--" + setting for setting in sorted(SETTINGS))}')
  KINDS[name] = kind
  return kind


def names() -> tuple[str, ...]:
  return tuple(KINDS)


def get(name: str) -> ModelKind:
  if name not in KINDS:
    raise ValueError(f'unknown model {name!r}; valid: {", ".join(KINDS)} (or one that '
                     f'--imports registers: neuralgpu.model_registry.register)')
  return KINDS[name]


def owners(setting: str) -> list[str]:
  """The registered models that own a model setting."""
  return [name for name, kind in KINDS.items() if setting in kind.settings]


def belongs_to(setting: str) -> str:
  """'is a setting of --model=ngpu and --model=dngpu' for a model setting."""
  return 'is a setting of ' + ' and '.join(f'--model={m}' for m in owners(setting))


def summaries() -> str:
  return ' '.join(f'{name}: {kind.summary}' for name, kind in KINDS.items())


def meanings(setting: str) -> str:
  """What a shared setting means for each model that says, models of one meaning
  together: 'ngpu: ...; lstm, gru: ...'."""
  by_meaning = {}
  for name, kind in KINDS.items():
    if setting in kind.meanings:
      by_meaning.setdefault(kind.meanings[setting], []).append(name)
  return '; '.join(f'{", ".join(models)}: {meaning}'
                   for meaning, models in by_meaning.items()) + '.'


def build(config, vocab_size: int):
  builder = get(config.model).builder
  if isinstance(builder, str):
    module, _, attribute = builder.partition(':')
    builder = getattr(importlib.import_module(module), attribute)
  return builder(config, vocab_size)


# The built-in models declare their settings and register themselves, in this order
# (the order of --model's help).
for _declaration in ('ngpu_settings', 'dngpu_settings', 'baseline_settings'):
  importlib.import_module(f'neuralgpu.models.{_declaration}')
