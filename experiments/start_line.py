"""The one line a training run of run.py starts with: what it trains, where, what it will
do, how long that took where it was measured, and how to evaluate it further. A run of
hours should say so before the hours start."""
from pathlib import Path

from experiments import presets
from neuralgpu import lengths
from neuralgpu.runs import stored as stored_runs
from neuralgpu.training import eta

# What each preset's docstring records that its runs took, as the start line quotes it
# (every number is its docstring's: tests/test_start_line.py). A preset not here, e.g. one
# that --imports registers, has no measured time.
MEASURED = {
    'badd': '2 of 5 seeds solved within 5,000 steps, in a median of 1,259 s of training '
            'on 2 cores shared with tests and two other runs',
    'bmul': '20,000 steps in 1,479 s, shared with other runs',
    'badd_dngpu': '1.03 s a step on 2 cores shared with two other runs; seed 0 solved at '
                  'step 4,000 after 5,851 s',
    'badd_dngpu_structured': '2 of 3 seeds solved, in 2,297 and 3,860 s on one thread each',
    'badd_dngpu_long': 'about 3 s a step on one thread beside another run',
    'badd_dngpu_two_stage': '1.8-3.0 hours of training, both stages, on one thread beside '
                            'another run (seeds 0-2)',
    'bmul_dngpu': 'about 0.38 s a step on 2 cores',
    'bmul_dngpu_full_schedule': 'about 2.1 hours: 20,000 steps at 2.69 steps/s on 2 cores '
                                '(0.44 to 0.72 steps/s on one thread beside other runs '
                                'on a slower day)',
    'bmul_dngpu_full_schedule_structured': '20,000 steps in 38,023 and 37,957 s of '
                                           'training (seeds 0 and 1) on one thread each '
                                           'beside another run',
    'bmul_dngpu_two_stage': 'about 2.1 hours on 2 cores for the first stage, 4,959 s '
                            'for the second on one thread beside another run',
    'bmul_dngpu_two_stage_structured': "about 2.1 hours on 2 cores for the first stage "
                                       "(bmul_dngpu_two_stage's), 6,066 s for the second on one "
                                       'thread beside two or three other runs',
    'bmul_dngpu_two_stage_varied': "about 2.1 hours on 2 cores for the first stage "
                                   "(bmul_dngpu_two_stage's), 3,967 and 3,985 s for the "
                                   'second (seeds 0 and 1) on one thread each, side by side',
    'bmul_dngpu_three_stage': 'about 2.1 hours on 2 cores for the first stage, about '
                              '4,000 s for the second on one thread, 2,240 and 2,268 s for '
                              'the third (seeds 0 and 1) on one thread each, side by side',
    'bmul_dngpu_three_stage_structured': "bmul_dngpu_three_stage's first two stages, 2,106 "
                                         'and 2,066 s for the third (seeds 0 and 1) on one '
                                         'thread each, side by side',
    'bmul_dngpu_three_stage_more_steps': "bmul_dngpu_three_stage's first two stages, 5,252 "
                                         's for the third (seed 0) on one thread beside two '
                                         'or three other runs',
    **{name: 'the first stage 38,023 and 37,957 s of training (seeds 0 and 1), the second '
             '9,553 and 10,355 s, on one thread each beside another run' + tail
       for name, tail in (('bmul_dngpu_structured_two_stage', ''),
                          ('bmul_dngpu_structured_three_stage',
                           "; the third 4,347 s (seed 1, from its second stage's final "
                           'weights)'))},
    'mul_bases': '8,000 steps in 475 s on one thread',
    'quick': '1,200 steps in 57 s of training on 2 cores shared with two other runs',
    'smoke': "7 s with TensorFlow's start-up, shared",
    **{f'{task}_{model}{suffix}': f'20,000 steps in {presets.BASELINE_TIMES[task]} on 2 '
                                  'cores shared with other runs'
       for task in ('badd', 'bmul') for model in ('lstm', 'gru')
       for suffix in presets.BASELINE_FORM_OF_SUFFIX},
}
# Settings that leave a preset's measured time as it was: the seed (each time is over
# seeds, or one of them), what is imported, how often progress is printed, and the test
# after training.
TIME_NEUTRAL = ('seed', 'imports', 'log_every', 'eval_lengths', 'eval_examples',
                'eval_step_factor')


def measured_time(name: str, config) -> str:
  """The preset's measured time, or why there is none (config: the run's settings)."""
  if name not in MEASURED:
    return f'no measured time for {name}'
  preset = presets.config(name, {'seed': config.seed, 'imports': config.imports})
  # A stage preset begun from a stored earlier stage (--start_from) trains its own stage
  # alone, whose time the measured one names.
  later_stage = (('start_from', 'start_from_preset', 'start_from_checkpoint')
                 if config.start_from and preset.start_from_preset else ())
  changed = [f'--{setting}' for setting in
             config.differing(preset, ignore=TIME_NEUTRAL + later_stage)]
  if changed:
    return f'no measured time with {", ".join(changed)} changed from the preset'
  return f'measured: {MEASURED[name]}' + (
      f' (this run trains the last stage alone, from {config.start_from}'
      f'{", its latest checkpoint" if config.start_from_checkpoint == "latest" else ""})'
      if later_stage else '')


def stages(config, workdir: Path, earlier=()) -> str:
  """What the run trains: its steps, after those of the stages before it, earliest first
  (earlier: their Configs, nearest first; a stage not given is named without its steps)."""
  before, stage = [], config
  while stage and stage.start_from_preset:
    known = earlier[len(before)] if len(before) < len(earlier) else None
    workdir = workdir / 'start'
    before.insert(0, f'{stage.start_from_preset} in {workdir}' +
                  (f' ({steps(known)})' if known else ''))
    stage = known
  own = steps(config)
  return f'first {", then ".join(before)}, then from its best weights {own}' if before else own


def steps(config) -> str:
  rule = eta.stop_rule(config.stop_when_solved, config.early_stopping)
  count = f'until {rule}, at most {config.max_steps:,} steps' if rule else \
      f'{config.max_steps:,} steps'
  hours = f' or {config.max_hours:g} hours' if config.max_hours else ''
  return f'{count}{hours} at lengths up to {config.max_length}'


def start_line(name: str, config, workdir: Path, earlier=(),
               stored: bool = False) -> str:
  """The line: `name` is the preset, or (stored) the stored run --resume_from goes on
  from; earlier: the Configs of a --start_from_preset run's stages before it, nearest
  first."""
  if not stored:
    summary = presets.summary(name).rstrip('.')
    what = f'{name} ({summary[0].lower() + summary[1:]})'
    time = measured_time(name, config)
  else:
    what, time = f'the stored run {name}', 'no measured time for a resumed run'
  reported = lengths.to_report(config)
  longer = lengths.scaled(config, 25)
  resuming = any((stage / stored_runs.CHECKPOINT_DIRS['latest']).is_dir()
                 for stage in stored_runs.stage_dirs(workdir))
  return (f'{"resuming" if resuming else "training"} {what} in {workdir}: '
          f'{stages(config, workdir, earlier)}; {time}; then tested at lengths '
          f'{", ".join(map(str, reported))}; test it longer with python run.py --mode=eval '
          f'--workdir={workdir} --eval_lengths={longer} --eval_examples=16')
