"""The one source of truth for an experiment's settings.

`Config` lists every setting with its default, help and valid range (those of one model
declared by the model: neuralgpu/models/*_settings.py); run.py turns each field into an
absl flag, presets (experiments/presets.py) override defaults, flags given
on the command line override presets, and the result is saved as workdir/config.json.
The code that acts on a setting lives where it acts, not here.
"""
import dataclasses
import json
import math
from pathlib import Path

import tasks
from neuralgpu import faults, imports, lengths, model_registry, settings
from neuralgpu.settings import setting
from neuralgpu.training import curriculum, rate


# Settings a resumed run may change without being refused.
RUN_CONTROL = ('imports', 'max_steps', 'max_hours', 'jit', 'log_every', 'probe_every',
               'track_lengths', 'track_every', 'track_examples', 'eval_lengths',
               'eval_examples', 'eval_step_factor', 'strategy', 'cpu_devices',
               'deterministic', 'op_threads')


# Random and hard inputs each that --select_length judges (at 2,001: 7 to 17 s of a
# badd_dngpu validation on one thread alone).
SELECT_EXAMPLES = 32

# Settings that no longer exist, with the value that meant "off": a saved config that has
# them off still loads.
RETIRED = {'hard_gates': False, 'diagonal_gates': False, 'saturation_cost': 0.0}


class RetiredSetting(ValueError):
  """A saved config that used a setting since retired."""


def with_model_settings(cls):
  """The settings the models declare (neuralgpu.model_registry.SETTINGS) added to cls's
  own, as fields of one frozen dataclass: one flat table of settings, as config.json
  holds them."""
  for name, field in model_registry.SETTINGS.items():
    cls.__annotations__[name] = type(field.default)
    setattr(cls, name, field)
  return dataclasses.dataclass(frozen=True)(cls)


@with_model_settings
class Config:
  imports: str = setting('', 'Comma-separated Python modules (names, or .py files) to '
                         'import first: they may register tasks (tasks.register) and '
                         'presets (experiments.presets.preset). Saved with the run, so '
                         'what reads it imports them too.')
  # What to learn.
  task: str = setting('badd', 'Task to learn (see tasks.names()).')
  model: str = setting('ngpu', 'Model to train (see model_registry.names()). '
                       + model_registry.summaries())
  seed: int = setting(0, 'Seed of initialization, data, dropout and noise.', low=0)
  start_from: str = setting('', 'Start from the weights of the best (or latest: '
                           '--start_from_checkpoint) checkpoint of the trained run in this '
                           'workdir (the same model and sizes), '
                           'with a fresh optimizer, curriculum and schedule: to train a '
                           'model on under other settings, e.g. longer --bins. Empty: '
                           'weights drawn by --seed.')
  start_from_preset: str = setting('', 'Train this preset first, with this run\'s seed, in '
                                   'WORKDIR/start (or resume it there), then start from '
                                   'its weights as --start_from does: a recipe in two '
                                   'stages as one run, e.g. for a sweep over seeds.')
  start_from_checkpoint: str = setting('best', 'Which weights --start_from and '
                                       '--start_from_preset start from: the best checkpoint '
                                       '(chosen by validation) or the latest (a finished '
                                       'run\'s final weights, those --checkpoint=latest '
                                       'tests; with --weight_average the model\'s own, not '
                                       'the average).', choices=('best', 'latest'))
  max_steps: int = setting(20000, 'Stop after this many training steps.', low=1)
  max_hours: float = setting(0.0, 'Stop at the first validation after this many hours of '
                             'training time (0: no limit); a time budget for runs compared '
                             'across seeds or recipes.', low=0.0)
  layers: int = setting(2, 'Layers of the model. ' + model_registry.meanings('layers'),
                        low=1)
  dropout: float = setting(0.1, 'Dropout rate. ' + model_registry.meanings('dropout'),
                           low=0.0, high=1.0, high_open=True)
  # Training.
  batch_size: int = setting(32, 'Examples per training step.', low=1)
  optimizer: str = setting('adam', 'adam: Adam (epsilon 1e-6). adamax: the AdaMax of '
                           'DNGPU (adamax.py): no bias correction, each gradient element '
                           'clipped to 1.2 * v + 1e-4 of its decayed running maximum v, '
                           'beta2 = 1 - max(0.0005, 0.01 * 0.5^(step / 2000)), epsilon '
                           '1e-8.', choices=('adam', 'adamax'))
  lr: float = setting(0.003, 'Learning rate.', low=0.0, low_open=True)
  max_grad_norm: float = setting(1.0, 'Clip gradients to this global norm (0 = off).',
                                 low=0.0)
  grad_noise: float = setting(0.0, 'Gradient noise scale eta: std eta/(1+step)^0.275.',
                              low=0.0)
  lr_noise: float = setting(0.0, 'Gradient noise in proportion to the rate: a truncated '
                            'normal times lr times this, added to every gradient '
                            'element (DNGPU: 1e-4).', low=0.0)
  lr_schedule: str = setting('validation_plateau', rate.help_text(),
                             choices=tuple(rate.SCHEDULES))
  lr_decay: float = setting(0.5, 'Learning-rate factor on a plateau.', low=0.0, high=1.0,
                            low_open=True)
  lr_floor: float = setting(0.0, 'The plateau decays never take the rate below lr times '
                            'this (DNGPU: 1/60).', low=0.0, high=1.0)
  lr_patience: int = setting(3, 'validation_plateau: validations without a new low of '
                             'the validation loss before the rate decays.', low=1)
  lr_half_life: int = setting(0, 'Exponential decay: the rate halves every this many '
                              'steps (0 = off).', low=0)
  weight_average: float = setting(0.0, 'Decay of an exponential moving average of the '
                                  'weights, updated after every step (0 = off; 0.998 '
                                  'averages over about 500 steps). Validation, probes and '
                                  'learning curves, and so the best checkpoint, evaluation '
                                  'and --start_from, use the averaged weights; training '
                                  'goes on from its own.',
                                  low=0.0, high=1.0, high_open=True)
  early_stopping: int = setting(0, 'Stop after this many validations in a row without a '
                                'new best checkpoint (0 = off); training always ends with '
                                'the best checkpoint restored.', low=0)
  stop_when_solved: bool = setting(True, 'Stop when solved (every validation sequence '
                                   'right at max_length and beyond, then at the far '
                                   'length). false: train on to --max_steps, --max_hours '
                                   'or --early_stopping, the best checkpoint moving to '
                                   'the latest perfect validation.')
  roll_back: bool = setting(True, 'Go back to the best checkpoint with a lower rate when '
                            'validation accuracy at max_length falls below half the best '
                            '(once the best is at least 50%).')
  hard_fraction: float = setting(0.0, 'Fraction of each training batch drawn from the '
                                 "task's sampler of hard inputs (--hard_sampler).",
                                 low=0.0, high=1.0)
  hard_sampler: str = setting('carry_chains', 'Hard inputs for --hard_fraction. '
                              'carry_chains: random operands around one long carry chain '
                              'for addition, uniform inputs for other tasks. structured '
                              '(arithmetic tasks): the kinds of the hard-input suites drawn '
                              'at random (carry chains of any length and place, short and '
                              'sparse operands, a op a, a zero), for addition half of them '
                              'as carry_chains. varied_lengths (two-operand tasks): random '
                              'operands of 1 to k digits each, the lengths drawn apart.',
                              choices=('carry_chains', 'structured', 'varied_lengths'))
  validate_suites: bool = setting(False, "Validation also judges every input of the task's "
                                  'hard-input suites (those --mode=eval reports) at each '
                                  'of its lengths: the best checkpoint and solved need them '
                                  'right too.')
  select_length: int = setting(0, 'A length far past max_length (0: none) at which every '
                                'validation also judges %d random and %d hard inputs of the '
                                'validation split (not the suites: --mode=eval tests them '
                                'there); the best checkpoint is then the one with the most '
                                'right over max_length, beyond and this length. A badd '
                                'model right at 81, 163 and 801 went wrong at 2,001 as it '
                                'trained on.' % (SELECT_EXAMPLES, SELECT_EXAMPLES), low=0)
  min_length: int = setting(3, 'Shortest training length; the curriculum starts here.',
                            low=1)
  max_length: int = setting(41, 'Longest training length.', low=1)
  curriculum: str = setting('exact', curriculum.help_text(),
                            choices=tuple(curriculum.CURRICULA))
  curriculum_threshold: float = setting(0.15, 'Advance the curriculum when the training '
                                        'sequence error is below this.',
                                        low=0.0, high=1.0)
  batching: str = setting('curriculum', 'curriculum: each step a batch of one length, '
                          'drawn by --curriculum. bins (DNGPU): each step a batch from '
                          'every bin of --bins, its examples padded to the bin length.',
                          choices=('curriculum', 'bins'))
  bins: str = setting('8,12,16,20,25,28,31,36,41', '--batching=bins: ascending padded '
                      'lengths ending at max_length; a bin holds the examples longer than '
                      'the bin before it (DNGPU_trainer.py).')
  bin_weighting: str = setting('equal', '--batching=bins: the weight of each bin in the '
                               'loss: equal (DNGPU), or positions (every symbol weighs '
                               'the same).', choices=('equal', 'positions'))
  shorter_share: float = setting(0.05, '--batching=bins: share of a bin\'s examples drawn '
                                 'from the bins before it (DNGPU: 5%).', low=0.0,
                                 high=1.0, high_open=True)
  train_pool: int = setting(0, 'Training examples per length, drawn once without repeats '
                            'and cycled through (DNGPU: 10000); 0: fresh examples every '
                            'step.', low=0)
  target_form: str = setting('padded', 'Arithmetic tasks: padded (the answer, then '
                             'padding) or zero_filled (the answer with zero digits up to '
                             "the input's length: DNGPU's bmul target).",
                             choices=('padded', 'zero_filled'))
  eval_every: int = setting(200, 'Steps between validations and checkpoints.', low=1)
  window_steps: int = setting(200, 'Steps in each window of training losses after which '
                              '--lr_schedule=training_plateau and the DNGPU\'s saturation '
                              'weight adapt (DNGPU_trainer.py\'s display_step: 200).', low=1)
  log_every: int = setting(50, 'Steps between progress lines.', low=1)
  probe_every: int = setting(1000, 'Steps between quick checks at 2 and 10 times the '
                             'curriculum length, logged (with pictures of the state, '
                             'for models that draw it).', low=1)
  track_lengths: str = setting('', 'Comma-separated lengths at which to measure symbol and '
                               'sequence accuracy on the held-out test examples every '
                               '--track_every steps, logged as track/... in metrics.jsonl: '
                               'learning curves (python -m experiments.curves). Not counted '
                               'as training time; changes nothing in training.')
  track_every: int = setting(100, 'Steps between --track_lengths measurements.', low=1)
  track_examples: int = setting(128, 'Test examples per length in those measurements.',
                                low=1)
  jit: bool = setting(False, 'Compile the training step with XLA (for GPUs: on CPUs '
                      'XLA\'s convolutions are many times slower).')
  op_threads: int = setting(0, 'Threads each TensorFlow operation may use (intra-op; as '
                            'many operations as there are cores run side by side). 0 = 1 '
                            'where a training step has several length bins, which then run '
                            'side by side (1.6 times faster for bmul_dngpu on 2 cores), '
                            'else every core (TensorFlow\'s default).',
                            low=0)
  strategy: str = setting('none', 'Data-parallel training with tf.distribute: mirrored '
                          '(the GPUs of this machine, or --cpu_devices logical CPUs) or '
                          'multiworker (the workers of TF_CONFIG); --batch_size is the '
                          'global batch.', choices=('none', 'mirrored', 'multiworker'))
  cpu_devices: int = setting(2, '--strategy=mirrored on a machine without GPUs: logical '
                             'CPU devices to mirror over.', low=1)
  deterministic: bool = setting(False, 'TensorFlow op determinism: on a CPU the same '
                                'seed and settings give the same losses step for step.')
  eval_lengths: str = setting('', 'Comma-separated lengths to report accuracy at after '
                              'training (default: max_length and 10*(max_length-1)+1).')
  eval_examples: int = setting(128, 'Held-out examples per length in that report.', low=1)

  def validate(self) -> 'Config':
    """Raises ValueError naming the first setting out of range and its valid range, or
    the first that does not go with the others."""
    self.validate_values()
    foreign = self.foreign_settings()
    if foreign:
      raise ValueError(f'--{foreign[0]} {model_registry.belongs_to(foreign[0])}, not of '
                       f'--model={self.model}')
    if self.start_from and self.start_from_preset:
      raise ValueError('give --start_from (a trained run) or --start_from_preset (a preset '
                       'to train first), not both')
    model_registry.get(self.model).check(self)
    try:
      task = tasks.get(self.task)
    except ValueError as error:
      raise ValueError(f'--task: {error}, or one that --imports registers') from None
    if not task.lengths(self.min_length, self.max_length):
      raise ValueError(f'--min_length={self.min_length} to --max_length={self.max_length} '
                       f'holds no length {self.task} can take ({task.describe_lengths()})')
    # Validation tests at max_length itself: refused here, not at the first validation.
    lengths.check(self, 'max_length', self.max_length)
    for flag, variant in (('target_form', task.with_target_form),
                          ('hard_sampler', task.with_hard_sampler)):
      try:
        variant(getattr(self, flag))
      except ValueError as error:
        raise ValueError(f'--{flag}: {error}') from None
    if self.batching == 'bins' and self.curriculum != 'none':
      raise ValueError('--batching=bins trains on every bin from the first step; it needs '
                       '--curriculum=none')
    lengths.bins(self)
    if self.select_length:
      lengths.check(self, 'select_length', self.select_length)
    lengths.to_report(self)
    lengths.to_track(self)
    return self

  def validate_values(self) -> 'Config':
    """Raises ValueError naming the first setting of the wrong type, not among its
    choices or out of range, with what is valid; each setting alone."""
    for field in dataclasses.fields(self):
      value, meta = getattr(self, field.name), field.metadata
      if field.type in ('int', int) and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f'--{field.name} must be an integer, got {value!r}')
      if field.type in ('float', float) and not (
          isinstance(value, (int, float)) and math.isfinite(value)):
        raise ValueError(f'--{field.name} must be a finite number, got {value!r}')
      if meta['choices'] and value not in meta['choices']:
        raise ValueError(f'--{field.name}={value} is not valid; valid: '
                         f'{", ".join(meta["choices"])}')
      if not settings.in_range(value, meta):
        raise ValueError(f'--{field.name}={value} is out of range; valid: '
                         f'{settings.describe_range(meta)}')
    if self.model not in model_registry.names():
      raise ValueError(f'--model={self.model} is not a model; valid: '
                       f'{", ".join(model_registry.names())}, or one that --imports registers')
    return self

  def get_task(self) -> tasks.Task:
    """The task, with its targets in --target_form and hard inputs by --hard_sampler."""
    return (tasks.get(self.task).with_target_form(self.target_form)
            .with_hard_sampler(self.hard_sampler))

  def foreign_settings(self) -> list[str]:
    """Settings changed from their defaults that belong to other models only."""
    own = model_registry.get(self.model).settings
    return [name for name, field in model_registry.SETTINGS.items()
            if name not in own and getattr(self, name) != field.default]

  def save(self, path: Path) -> None:
    faults.write_whole(path, json.dumps(dataclasses.asdict(self), indent=2,
                                        sort_keys=True) + '\n')

  @classmethod
  def load(cls, path: Path) -> 'Config':
    """The config saved in path, with the modules it names imported; ValueError if
    those cannot be."""
    values = json.loads(path.read_text())
    imports.load(values.get('imports', ''))
    # Saved before --window_steps existed, when the window was the validation interval.
    values.setdefault('window_steps', values.get('eval_every', Config.eval_every))
    for name, default in RETIRED.items():
      if name in values and values.pop(name) != default:
        raise RetiredSetting(f'its run was trained with --{name}, a setting since retired (it '
                             'did not compute what the DNGPU code does; --model=dngpu does); '
                             'this version cannot load it')
    return cls(**values)

  def differing(self, other: 'Config', ignore=RUN_CONTROL) -> list[str]:
    """The names of the settings, other than `ignore`, whose values differ."""
    return [f.name for f in dataclasses.fields(self)
            if f.name not in ignore and getattr(self, f.name) != getattr(other, f.name)]

  def differences(self, other: 'Config', ignore=RUN_CONTROL) -> list[str]:
    return [f'{name} ({getattr(other, name)!r} -> {getattr(self, name)!r})'
            for name in self.differing(other, ignore)]


def flag_text(value) -> str:
  """A setting's value as a flag takes it: booleans as true and false."""
  return str(value).lower() if isinstance(value, bool) else str(value)
