"""Named experiment presets: `python run.py --experiment=NAME`; flags override them.

`python run.py --experiment=list` prints them. Each preset is a function returning the
settings it changes from neuralgpu.config.Config; its docstring gives the command, what
it reproduces and its runtime measured on 2 CPU cores. Times marked "shared" were
measured while another job ran on the same cores, so they are upper bounds.
"""
import dataclasses
from pathlib import Path
from typing import Callable

from neuralgpu import imports, model_registry
from neuralgpu.config import RUN_CONTROL, Config, flag_text

PRESETS: dict[str, Callable[[], dict]] = {}
# What `python run.py` trains with no --experiment: the recipe of the README's results.
DEFAULT = 'badd_dngpu_two_stage'
# The data of a task's presets: the baselines learn from the same data under the same
# curriculum as the Neural GPU; only the model differs.
DATA = {'badd': dict(task='badd', hard_fraction=0.5), 'bmul': dict(task='bmul')}


def preset(function: Callable[[], dict]) -> Callable[[], dict]:
  PRESETS[function.__name__] = function
  return function


@preset
def badd() -> dict:
  """Binary addition, the Neural GPU of Kaiser & Sutskever.

  python run.py --experiment=badd
  The paper's model (24 maps, 2 CGRUs per step, gate cutoff 1.2, dropout, curriculum up
  to length 41) with half of every batch built around a long carry chain. Over 5 seeds,
  2 were solved (every test sequence right at 41, at least 99% at 401) within 5,000
  steps, in a median of 1,259 s of training on 2 cores shared with tests and two other
  runs (docs/experiments.md, Sweeps), when validation still judged random inputs alone.
  """
  return dict(DATA['badd'])


@preset
def bmul() -> dict:
  """Binary multiplication, the Neural GPU of Kaiser & Sutskever with relaxation.

  python run.py --experiment=bmul
  Parameter sharing relaxed over 6 weight sets as in the paper. At 24 maps the
  curriculum stalls at length 13 (6-bit operands): 20,000 steps in 1,479 s (shared).
  The paper trained with far more maps and steps; try --maps=128 with a sweep.
  """
  return dict(DATA['bmul'], relax_sets=6)


# DNGPU_trainer.py's recipe (LUMII-Syslab/DNGPU): no curriculum, every length bin in
# every step, a pool of 10,000 examples per length, AdaMax with gradient noise in
# proportion to the rate, the rate decayed on a plateau of the training loss.
DNGPU = dict(model='dngpu', layers=1, batching='bins', curriculum='none', train_pool=10000,
             optimizer='adamax', max_grad_norm=0.0, lr_noise=1e-4,
             lr_schedule='training_plateau', lr_decay=0.7, lr_floor=1 / 60, roll_back=False)


# DNGPU_trainer.py's bins and two longer ones, for the second stages.
LONG_BINS = '8,12,16,20,25,28,31,36,41,61,81'


def dngpu_lr(maps: int) -> float:
  """DNGPU_model.__init__: initial_learning_rate = 0.01 · 48 / maps."""
  return 0.01 * 48 / maps


@preset
def badd_dngpu() -> dict:
  """Binary addition, the DNGPU of Freivalds & Liepins with their settings for it.

  python run.py --experiment=badd_dngpu
  48 maps, dropout 0.5 (keep 0.5), uniform operands, padded targets; the rest as in
  DNGPU_trainer.py (see bmul_dngpu). A step took 1.03 s on 2 cores shared with two
  other runs (an upper bound). Capped at 5,000 steps, 1 of 3 seeds was solved (exact at
  41 and 401; seed 0, at step 4,000 after 5,851 s of shared training); docs/notes.md.
  """
  return dict(DNGPU, task='badd', maps=48, dropout=0.5, lr=dngpu_lr(48))


@preset
def badd_dngpu_structured() -> dict:
  """Binary addition, the DNGPU with zero-filled sums and structured inputs: not DNGPU's.

  python run.py --experiment=badd_dngpu_structured
  badd_dngpu with two changes from DNGPU_trainer.py and data_utils_2.py (whose add takes
  uniform operands and strips the sum's leading zeros): the sum written with zero digits
  up to the input's length, as DNGPU writes products, and half of every bin's examples
  from the structured sampler (the kinds of the hard suites), judged by validation too.
  2 of 3 seeds solved, in 2,297 and 3,860 s on one thread each; notes in docs/notes.md.
  """
  return dict(badd_dngpu(), target_form='zero_filled', hard_fraction=0.5,
              hard_sampler='structured')


@preset
def badd_dngpu_long() -> dict:
  """Binary addition, badd_dngpu_structured trained on lengths up to 81: not DNGPU's.

  python run.py --experiment=badd_dngpu_long
  badd_dngpu_structured with two more bins, 61 and 81 (DNGPU_trainer.py's end at 41);
  so validated at 81 and 163 and solved at 801. A step costs about 2.4 times one of
  badd_dngpu_structured (3 s on one thread beside another run). Trained from the start it learned nothing at 81 by step 2,800
  (2 seeds); trained on from a solved badd_dngpu_structured model it is the second stage
  of badd_dngpu_two_stage. Notes of its runs in docs/notes.md.
  """
  return dict(badd_dngpu_structured(), bins=LONG_BINS, max_length=81)


@preset
def badd_dngpu_two_stage() -> dict:
  """Binary addition: badd_dngpu_structured, then badd_dngpu_long from its best: not DNGPU's.

  python run.py   (the default experiment; or --experiment=badd_dngpu_two_stage)
  The first stage (badd_dngpu_structured, lengths up to 41) trains in WORKDIR/start; the
  second takes its best weights on to lengths up to 81 for 1,200 steps at learning rate
  0.007, validated on the hard suites too and on 64 inputs at 2,001, its best
  checkpoint holding a weight average (decay 0.998). Its published models are in
  results/ (the README's results), seeds 0-2 retrained 2026-12-04/05 (first stages
  solved at steps 2,400, 7,200 and 2,800; 1.8-3.0 hours of training on one thread
  beside another run): seeds 1 and 2 get every random and suite input right at 41, 401,
  2,001 and 4,001 and 16 of 16 random sums at 8,001; seed 0 misses 4 of 133 suite inputs at
  401, 7 of 153 at 2,001 and 5 of 16 random sums at 4,001. Notes of the earlier runs,
  whose models are gone, in docs/notes.md.
  """
  return dict(badd_dngpu_long(), start_from_preset='badd_dngpu_structured', lr=0.007,
              stop_when_solved=False, max_steps=1200, weight_average=0.998,
              validate_suites=True, select_length=2001)


@preset
def bmul_dngpu() -> dict:
  """Binary multiplication, the DNGPU of Freivalds & Liepins with their settings for it.

  python run.py --experiment=bmul_dngpu
  96 maps, one DCGRU per step, dropout 0.1 on the input and the candidate, saturation
  cost; every step 32 examples from each of the bins 8, 12, ..., 41; products
  zero-filled to the full length. About 0.38 s a step on 2 cores. Stopped at solved, it
  learns multiplication to 10 times the training length, not to 100 (notes of its runs,
  whose models are gone, in docs/notes.md).
  """
  return dict(DNGPU, task='bmul', target_form='zero_filled', maps=96, lr=dngpu_lr(96))


@preset
def bmul_dngpu_full_schedule() -> dict:
  """Binary multiplication, bmul_dngpu on DNGPU_trainer.py's whole schedule, no early stop.

  python run.py --experiment=bmul_dngpu_full_schedule
  bmul_dngpu trained as DNGPU_trainer.py trains: 20,000 steps whatever validation says
  (its rate decaying x0.7 on a training plateau down to a 60th), so that its final
  weights can be tested as the reference tests its own (per symbol, padding counted):
  python run.py --mode=eval --workdir=DIR --checkpoint=latest --eval_lengths=7,9,13,17,
  23,31,41,55,73,97,129,173,231,309,413,551,735,981,1309,1745,2327,3103,4001. At
  2.69 steps/s on 2 cores (validations included), about 2.1 hours, on the AMD EPYC of
  2026-12-06; the one of 2026-12-07 ran 0.44 to 0.72 steps/s on one thread beside other
  runs, about 7.7 hours and more.
  """
  return dict(bmul_dngpu(), stop_when_solved=False, max_steps=20000)


@preset
def bmul_dngpu_full_schedule_structured() -> dict:
  """Binary multiplication: bmul_dngpu_full_schedule, half of it structured products: not DNGPU's.

  python run.py --experiment=bmul_dngpu_full_schedule_structured
  bmul_dngpu_full_schedule with half of every bin's examples drawn from the structured
  sampler (carry chains, runs of ones times a power of two, short and sparse operands,
  a x a, a zero), as addition's first stage (badd_dngpu_structured) trains: the first
  stage arm against the reference's. No later stage so far taught a model the squares of
  runs of ones its first stage got wrong (at 401 the models of seed 0 get them right up
  to 105 to 130 digits, those of seed 1 up to 17 to 22: python -m
  experiments.carry_reach), so the first stage has to learn them. Seed 0 ran 0.72
  steps/s on one thread beside bmul_dngpu_full_schedule's seed 2 (0.72-0.74 steps/s
  there): the drawing costs nothing measurable. 20,000 steps took 38,023 and 37,957 s
  of training (seeds 0 and 1, one thread each beside another run). At 401 seed 1's
  model gets 124 of 128 random products and 139 of 141 suite inputs right (every run of
  ones times 1 and 1 times a run, squares up to 105 digits), where
  bmul_dngpu_full_schedule's seed 1 gets 112 and 56; seed 0's (111 and 134) is no better
  than its plain one (113 and 139).
  """
  return dict(bmul_dngpu_full_schedule(), hard_fraction=0.5, hard_sampler='structured')


@preset
def bmul_dngpu_two_stage() -> dict:
  """Binary multiplication: bmul_dngpu_full_schedule, then lengths up to 81: not DNGPU's.

  python run.py --experiment=bmul_dngpu_two_stage
  The first stage (bmul_dngpu_full_schedule, about 2.1 hours on 2 cores) trains in
  WORKDIR/start; the second takes its best weights on to two more bins, 61 and 81, for
  1,200 steps at learning rate 0.001 (a fifth of the first stage's start, 12 times its
  end), validated on the hard suites too and on 64 inputs at 2,001, its best checkpoint
  holding a weight average (decay 0.998): badd_dngpu_two_stage's second stage, on random
  products only. Seed 0's second stage took 4,959 s on one thread beside another run;
  published in results/, it gets 126 of 128 random products right at 401, 16 of 16 at
  2,001 and 15 of 16 at 4,001, and misses 2 of 141 suite inputs at 401. Seed 1's (4,841 s
  on one thread beside two other runs) gets 128 of 128 at 401, 16 of 16 at 2,001 and 15
  of 16 at 4,001, but only 75 of 141 suite inputs at 401.
  """
  return dict(bmul_dngpu(), bins=LONG_BINS, max_length=81,
              start_from_preset='bmul_dngpu_full_schedule', lr=0.001, stop_when_solved=False,
              max_steps=1200, weight_average=0.998, validate_suites=True, select_length=2001)


@preset
def bmul_dngpu_two_stage_structured() -> dict:
  """Binary multiplication: bmul_dngpu_two_stage, its second stage half structured products.

  python run.py --experiment=bmul_dngpu_two_stage_structured
  bmul_dngpu_two_stage (same first stage, about 2.1 hours on 2 cores, so WORKDIR/start
  may be a copy of one of its first stages) with half of every bin's examples in the
  second stage drawn from the structured sampler (the kinds of the hard suites: carry
  chains, short and sparse operands, a x a, a zero), as addition's second stage trains:
  the arm against bmul_dngpu_two_stage. Seed 0's second stage, on the same first stage
  as that preset's seed 0, took 6,066 s on one thread beside two or three other runs;
  published in results/, it gets 16 of 16 random products right at 2,001 and at 4,001
  (there 15), 125 of 128 at 401 (there 126), and misses 3 of 141 suite inputs at 401
  (there 2).
  """
  return dict(bmul_dngpu_two_stage(), hard_fraction=0.5, hard_sampler='structured')


@preset
def bmul_dngpu_two_stage_varied() -> dict:
  """Binary multiplication: bmul_dngpu_two_stage, its second stage half operands of random lengths.

  python run.py --experiment=bmul_dngpu_two_stage_varied
  bmul_dngpu_two_stage (same first stage, about 2.1 hours on 2 cores, so WORKDIR/start
  may be a copy of one of its first stages) with half of every bin's examples in the
  second stage made of operands of 1 to k digits each, the numbers of digits drawn apart
  (--hard_sampler=varied_lengths). Uniform operands never put a long run of zeros
  between an operand's digits and the operator, and the first stages and both second
  stages so far get some small first operands times a long one wrong at 401, whatever
  the long one (python -m experiments.small_operands): the arm against
  bmul_dngpu_two_stage. Seeds 0 and 1, on that preset's published first stages, took
  3,967 and 3,985 s for the second stage, side by side on one thread each; published in
  results/: 16 of 16 random products right at 2,001 each, 16 and 14 of 16 at 4,001, 125
  and 127 of 128 at 401, and 139 and 125 of 141 suite inputs at 401. Seed 1 gets every
  small first operand right; seed 0 still gets 11 times x wrong.
  """
  return dict(bmul_dngpu_two_stage(), hard_fraction=0.5, hard_sampler='varied_lengths')


@preset
def bmul_dngpu_three_stage() -> dict:
  """Binary multiplication: bmul_dngpu_two_stage_varied, then 200 steps with lengths up to 161.

  python run.py --experiment=bmul_dngpu_three_stage
  A third stage: bmul_dngpu_two_stage_varied's model (about 2.1 hours on 2 cores for the
  first stage, about 4,000 s for the second on one thread) trained on for 200 steps with
  a bin of 161 added, validated at 161 and 323, the best checkpoint of a weight average
  kept. The second stage sees at most 39 zeros between a one-digit first operand and the
  operator; at 401 there are 196. Seeds 0 and 1, from the published second stages
  (--start_from=results/bmul_dngpu_two_stage_varied_seedN), took 2,240 and 2,268 s for
  the third stage, side by side on one thread each; published in results/. Seed 0: 11
  times x now right, but still 2^72 x (2^128 - 1)*2^72 wrong at 401; seed 1: 12 of 141
  suite inputs wrong at 401, the all-maximal product among them: issue 46's target not met.
  """
  return dict(bmul_dngpu_two_stage_varied(), start_from_preset='bmul_dngpu_two_stage_varied',
              bins=LONG_BINS + ',161', max_length=161, max_steps=200, eval_every=100,
              select_length=0)


@preset
def bmul_dngpu_three_stage_structured() -> dict:
  """Binary multiplication: bmul_dngpu_three_stage, its third stage half structured products.

  python run.py --experiment=bmul_dngpu_three_stage_structured
  bmul_dngpu_three_stage (same first and second stages) with the half of the third
  stage's examples that were operands of random lengths drawn from the structured sampler
  instead: carry chains (runs of ones times a power of two) up to 80 digits long at 161,
  short and sparse operands, a x a, a zero. The two-stage models still get long runs of
  ones times powers of two wrong at 401, and the stages before draw uniform and
  varied-length operands only, which almost never hold a long run of ones: the arm
  against bmul_dngpu_three_stage. Seeds 0 and 1, from the published second stages
  (--start_from=results/bmul_dngpu_two_stage_varied_seedN), took 2,106 and 2,066 s for
  the third stage on one thread each, side by side; published in results/. Seed 1 gains
  (134 of 141 suite inputs at 401, there 129; the all-maximal product right at 161, still
  wrong at 401), seed 0 loses (139, there 140: 11 x x wrong again): long runs of ones
  stay wrong, issue 46's target not met.
  """
  return dict(bmul_dngpu_three_stage(), hard_sampler='structured')


@preset
def bmul_dngpu_three_stage_more_steps() -> dict:
  """Binary multiplication: bmul_dngpu_three_stage, its third stage with twice the steps.

  python run.py --experiment=bmul_dngpu_three_stage_more_steps
  bmul_dngpu_three_stage whose third stage takes each step with as many recurrent steps
  as the input is long or twice as many, drawn at random (--train_step_factors=1,2), and
  answers with twice as many (--eval_step_factor=2). Evaluated with twice the steps,
  bmul_dngpu_three_stage's seed 0 gets 181 of the 200 squares (2^n - 1)^2 right at 401,
  against 142 with the steps it was trained with: the arm that asks whether training
  with more steps teaches the longer carries. Seed 0, from the published second stage
  (--start_from=results/bmul_dngpu_two_stage_varied_seed0), took 5,252 s for the third
  stage on one thread beside two or three other runs; published in results/. At 401 it
  gets 198 of the squares right (every one up to 182 digits; there 181, up to 143), every
  random product (128 of 128) and 140 of 141 suite inputs: the carry chain
  2^72 x (2^128 - 1)*2^72 that bmul_dngpu_three_stage's seed 0 gets wrong stays wrong.
  """
  return dict(bmul_dngpu_three_stage(), train_step_factors='1,2', eval_step_factor=2)


@preset
def bmul_dngpu_structured_two_stage() -> dict:
  """Binary multiplication: bmul_dngpu_two_stage_varied from the structured first stage.

  python run.py --experiment=bmul_dngpu_structured_two_stage
  bmul_dngpu_two_stage_varied's second stage (lengths up to 81, half of it operands of
  random lengths) trained from bmul_dngpu_full_schedule_structured (whose half of
  structured products taught the first stage carry chains: at 401, seed 1's checkpoint
  of step 8,400 gets every run of ones times 1 and 1 times a run right, where
  bmul_dngpu_full_schedule's seed 1 gets 37 and 0 of 200) instead of
  bmul_dngpu_full_schedule: the arm against bmul_dngpu_two_stage_varied. Its first stage
  took 38,023 and 37,957 s of training (seeds 0 and 1), the second 9,553 and 10,355 s
  (its validations test at 2,001 too), on one thread each beside another run. Seed 0's
  second stage, from its first stage's step 5,800, did worse than the plain arm's: at
  401 106 of 141 suite inputs right, at 4,001 2 of 16 products; seed 1's kept its first
  stage's 139 of 141 at 401 (best checkpoint, step 200), and its final weights got 16 of
  16 at 4,001.
  --start_from=results/bmul_dngpu_full_schedule_structured_seedN trains it alone from a
  published first stage.
  """
  return dict(bmul_dngpu_two_stage_varied(),
              start_from_preset='bmul_dngpu_full_schedule_structured')


@preset
def bmul_dngpu_structured_three_stage() -> dict:
  """Binary multiplication: bmul_dngpu_three_stage_more_steps from the structured chain.

  python run.py --experiment=bmul_dngpu_structured_three_stage
  bmul_dngpu_three_stage_more_steps's third stage (200 steps with a bin of 161, as many
  recurrent steps as the input is long or twice as many, answered with twice as many)
  trained from bmul_dngpu_structured_two_stage instead of bmul_dngpu_two_stage_varied:
  the three stages with most reach so far, on the first stage that learned carry chains.
  The first two stages as bmul_dngpu_structured_two_stage's (the first 38,023 and 37,957 s
  of training (seeds 0 and 1), the second 9,553 and 10,355 s, on one thread each beside
  another run); the third 4,347 s for seed 1, on one thread beside another run, from its
  second stage's final weights (--start_from=results/bmul_dngpu_structured_two_stage_seed1
  --start_from_checkpoint=latest: the validation rule, fixed since, ranks step 1,200 best
  there, and step 200 is what the stored best holds). Seed 1 (best checkpoint, step 100):
  at 401 every random product and 136 of 141 suite inputs (wrong: the largest shifts,
  (2^k - 1)*2^(200-k) x 2^(200-k) for k = 1, 3, 4, 5, answered 0, and a 200-bit x times
  2^199), 16 of 16 at 2,001 and at 4,001: short of the target, as seed 0's second stage
  was. --start_from trains the third stage alone from a published second stage.
  """
  return dict(bmul_dngpu_three_stage_more_steps(),
              start_from_preset='bmul_dngpu_structured_two_stage')


@preset
def mul_bases() -> dict:
  """Decimal multiplication through a curriculum over bases (Price et al. 2016).

  python run.py --experiment=mul_bases
  Task mul_bases: binary, then base-4 and base-10 multiplication added, each stage
  running the length curriculum again on a mixture of the bases so far; judged on
  decimal multiplication. Price et al.'s typical run: 256 maps, 200,000 steps on a GPU.
  At the default 24 maps, 8,000 steps (475 s, one thread) stayed in the binary stage.
  """
  return dict(task='mul_bases', relax_sets=6)


# A baseline preset's name ends in a suffix that gives its --rnn_form.
BASELINE_FORM_OF_SUFFIX = {'': 'read_write', '_seq2seq': 'seq2seq'}
BASELINE_TIMES = {'badd': '420-871 s', 'bmul': '482-758 s'}


def _baseline(task: str, model: str, suffix: str) -> Callable[[], dict]:
  form = BASELINE_FORM_OF_SUFFIX[suffix]
  name = f'{task}_{model}{suffix}'

  def settings() -> dict:
    return dict(DATA[task], model=model, rnn_form=form)

  settings.__name__ = name
  settings.__doc__ = (
      f'{task}: the {model.upper()} baseline ({form}), under the protocol of `{task}`.\n\n'
      f'  python run.py --experiment={name}\n'
      f'  128 units, 2 layers, dropout 0.1 on the layers\' inputs and outputs. 20,000 '
      f'steps take {BASELINE_TIMES[task]} on 2 cores (shared) for the four baselines of '
      f'{task}; python -m experiments.compare --task={task} compares them with the '
      f'Neural GPU.\n')
  return settings


for _task in ('badd', 'bmul'):
  for _model in ('lstm', 'gru'):
    for _suffix in BASELINE_FORM_OF_SUFFIX:
      preset(_baseline(_task, _model, _suffix))


@preset
def quick() -> dict:
  """A first run that learns: binary addition of up to 5-bit operands in about a minute.

  python run.py --experiment=quick
  The badd_dngpu recipe scaled down (24 maps, learning rate 0.02, dropout 0.1, bins 5,
  7, 9, 11): 1,200 steps in 57 s of training on 2 cores shared with two other runs;
  every test sequence right at length 11, none at 101. It learns the short additions,
  not the algorithm: badd and badd_dngpu train on lengths up to 41 for that.
  """
  return dict(badd_dngpu(), maps=24, lr=0.02, dropout=0.1, bins='5,7,9,11', max_length=11,
              max_steps=1200, eval_every=100, window_steps=100, log_every=100,
              probe_every=5000)


@preset
def smoke() -> dict:
  """A few steps at tiny sizes, for tests and for checking an installation.

  python run.py --experiment=smoke
  20 steps, 8 maps, lengths up to 9: 7 s with TensorFlow's start-up (shared).
  """
  return dict(task='badd', maps=8, max_length=9, max_steps=20, eval_every=10,
              log_every=10, probe_every=10, eval_examples=8)


RETIRED = {'badd_improved': 'badd_dngpu', 'bmul_improved': 'bmul_dngpu'}


def get(name: str) -> dict:
  """The settings of preset `name`; ValueError naming the valid ones."""
  if name in RETIRED:
    raise ValueError(f'experiment {name!r} is retired: it named DNGPU\'s changes without '
                     f'computing them; --experiment={RETIRED[name]} trains the DNGPU')
  if name not in PRESETS:
    raise ValueError(f'unknown experiment {name!r}; valid: {", ".join(sorted(PRESETS))} '
                     '(--experiment=list describes them)')
  return PRESETS[name]()


def summary(name: str) -> str:
  """The first line of the preset's docstring."""
  return PRESETS[name].__doc__.strip().splitlines()[0]


def listing() -> str:
  """One line per preset: its name and what it is."""
  width = max(map(len, PRESETS))
  return '\n'.join(f'{name:<{width}}  {summary(name)}' for name in PRESETS)


def for_model(model: str) -> list[str]:
  """The presets that train `model` (a preset without a model trains the Neural GPU)."""
  return sorted(name for name in PRESETS if get(name).get('model', 'ngpu') == model)


def config(name: str, given: dict | None = None) -> Config:
  """The settings of a run: Config's defaults, then preset `name`, then `given`,
  validated, with the stages before it (earlier_stages); ValueError naming what is
  wrong, e.g. a setting of the preset that belongs to another model than the one given.
  run.py, the sweep, the comparison and the Python API all build their configs here. A
  given --start_from replaces the preset's --start_from_preset: the stage before is then
  a run the user already has."""
  given = dict(given or {})
  if given.get('start_from') and 'start_from_preset' not in given:
    given['start_from_preset'] = ''
  made = settled(name, given)
  earlier_stages(made)
  return made


def settled(name: str, given: dict) -> Config:
  """config(), the stages before left unchecked."""
  given = dict(given)
  if given.get('imports'):
    imports.load(given['imports'])  # before the preset and the task are looked up
    given['imports'] = imports.absolute(given['imports'])
  values = {**dataclasses.asdict(Config()), **get(name), **given}
  try:
    # Each value first: a --model that does not exist is named as such, not as the
    # model the preset's settings do not belong to.
    made = Config(**values).validate_values()
  except TypeError:
    known = {f.name for f in dataclasses.fields(Config)}
    unknown = sorted(set(given) - known)
    where = '' if unknown else f' in --experiment={name}'  # a user's preset, misspelt
    unknown = unknown or sorted(set(get(name)) - known)
    raise ValueError(f'unknown setting {unknown[0]!r}{where}; the settings are the fields '
                     'of neuralgpu.config.Config (python run.py --helpfull)') from None
  from_preset = [setting for setting in made.foreign_settings() if setting not in given]
  if from_preset:
    raise ValueError(f'--experiment={name} sets --{from_preset[0]}, which '
                     f'{model_registry.belongs_to(from_preset[0])}, not of '
                     f'--model={made.model}; '
                     f'presets for {made.model}: {", ".join(for_model(made.model))}')
  return made.validate()


def earlier_stages(run: Config) -> tuple[Config, ...]:
  """The runs --start_from_preset trains before `run`, nearest first: that preset with
  run's seed (and imports), then the preset that one starts from, and so on. ValueError
  if a preset does not exist, starts from a trained run (--start_from) or comes back
  round to a preset of the chain."""
  stages, names = [], []
  while run.start_from_preset:
    name = run.start_from_preset
    if name in names:
      raise ValueError(f'--start_from_preset={name} comes back round to itself: '
                       f'{" -> ".join(names + [name])}; a chain of stages must begin with a '
                       'preset that trains from scratch')
    names.append(name)
    try:
      settings = get(name)
    except ValueError as error:
      raise ValueError(f'--start_from_preset: {error}') from None
    if settings.get('start_from'):
      raise ValueError(f'--start_from_preset={name} starts from a trained run itself '
                       '(--start_from); give a preset that trains from scratch or from '
                       'another preset')
    run = settled(name, {'seed': run.seed, 'imports': run.imports})
    stages.append(run)
  return tuple(stages)


def default_workdir(name: str, given: dict) -> Path:
  """workdirs/NAME, then _SETTING=VALUE for each given setting that changes the preset's
  run, in name order (settings a resume may change, like --max_steps, left out): runs
  of other settings do not collide, and the same command finds its own run again."""
  preset = {**dataclasses.asdict(Config()), **get(name)}
  changed = [f'{setting}={flag_text(value)}'
             for setting, value in sorted(given.items())
             if setting not in RUN_CONTROL and value != preset[setting]]
  return Path('workdirs') / '_'.join([name] + [part.replace('/', '-') for part in changed])
