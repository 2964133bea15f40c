"""The progress line's ETA (neuralgpu/training/eta.py), from the step times a run
records: tests/data/metrics_two_stage.jsonl is the metrics.jsonl of the second stage of
results/badd_dngpu_two_stage_seed1 (1,200 steps in bins, validated every 200 steps for
about 180 s beside about 110 s of steps every 50)."""
import json

import pytest

from neuralgpu.training import eta
from support import ROOT


RECORDS = [json.loads(line) for line in
           (ROOT / 'tests' / 'data' / 'metrics_two_stage.jsonl').read_text().splitlines()]
END = RECORDS[-1]['train_seconds']  # the run's training time when it finished


def plan(step, **changes):
  return eta.Plan(**{**dict(step=step, max_steps=1200, eval_every=200, probe_every=1000,
                            length=81, settled=True), **changes})


def progress_lines(records, pace):
  """(step, training seconds still to come, the ETA's seconds, its text) at each
  progress record, the pace fed every record as the trainer feeds it."""
  lines = []
  for record in records:
    pace.record(record)
    if eta.kind(record) == 'steps':
      step = record['step']
      lines.append((step, END - record['train_seconds'],
                    eta.seconds_left(pace, plan(step)), eta.describe(pace, plan(step))))
  return lines


def test_the_eta_holds_within_15_percent_from_the_first_timed_validation_on():
  lines = progress_lines(RECORDS, eta.Pace(0, 0.0))
  untimed = [text for step, _, left, text in lines if step <= 200]
  assert untimed[0] == 'ETA once steps at this length are timed'  # the first holds compiling
  assert set(untimed[1:]) == {'ETA once a validation is timed'}
  for step, truth, left, text in lines:
    if step > 200:
      assert left == pytest.approx(truth, rel=0.15), (step, text, eta.clock(truth))
      assert text == f'ETA {eta.clock(left)}'


def test_the_eta_never_grows_as_the_run_goes_on():
  """The mean pace of the session, its first 50 steps without a validation, read 34
  minutes at step 200 and 46 at step 250, after the first validation."""
  lefts = [left for _, _, left, _ in progress_lines(RECORDS, eta.Pace(0, 0.0))
           if left is not None]
  assert all(later < earlier for earlier, later in zip(lefts, lefts[1:]))


def test_a_resume_times_its_own_steps_leaving_out_its_compiling():
  """Resumed at step 600 (after its validation), the first 50 steps took 200 s more:
  tracing the step and the model again. No time is given until the session has timed
  its own steps and a validation, and then it holds as in a run straight through."""
  at = next(i for i, r in enumerate(RECORDS) if r['step'] == 600 and eta.kind(r) != 'steps')
  resumed = [{**r, 'train_seconds': r['train_seconds'] + 200.0} for r in RECORDS[at + 1:]]
  pace = eta.Pace(600, RECORDS[at]['train_seconds'])
  global END  # pylint: disable=global-statement
  straight_end, END = END, END + 200.0
  try:
    lines = progress_lines(resumed, pace)
  finally:
    END = straight_end
  assert [text for step, _, _, text in lines if step <= 800] == [
      'ETA once steps at this length are timed'] + ['ETA once a validation is timed'] * 3
  for step, truth, left, text in lines:
    if step > 800:
      assert left == pytest.approx(truth, rel=0.15), (step, text)


def test_a_run_that_stops_when_solved_says_so_and_bounds_the_steps():
  pace = eta.Pace(0, 0.0)
  for record in RECORDS[:6]:  # steps and a validation timed
    pace.record(record)
  solved = plan(250, stops_when=eta.stop_rule(True, 0))
  left = eta.seconds_left(pace, plan(250))
  assert eta.describe(pace, solved) == f'ETA: until solved, at most 950 steps ({eta.clock(left)})'
  assert eta.describe(eta.Pace(0, 0.0), solved) == 'ETA: until solved, at most 950 steps'
  assert eta.stop_rule(True, 5) == 'solved or 5 validations without a new best'
  assert eta.stop_rule(False, 0) == ''


def test_a_curriculum_below_its_longest_length_gives_a_lower_bound_per_length():
  pace = eta.Pace(0, 0.0)
  for step, seconds, length in ((10, 5.0, 5), (20, 6.0, 5), (30, 7.0, 5), (40, 9.0, 7),
                                (50, 11.0, 7)):
    pace.record({'step': step, 'curriculum_length': length, 'train/loss': 1.0,
                 'train_seconds': seconds})
  assert pace.step_seconds(5) == pytest.approx(0.1) and pace.step_seconds() == pytest.approx(0.2)
  pace.record({'step': 50, 'curriculum_length': 7, 'validation/max_sequence_accuracy': 0.0,
               'train_seconds': 15.0})
  # 100 steps at length 7's 0.2 s, and the validation at the end: at least 24 s.
  early = plan(50, max_steps=150, eval_every=1000, probe_every=1000, length=7, settled=False)
  assert eta.describe(pace, early) == 'ETA over 0:00:24 (longer lengths to come)'
  assert eta.describe(pace, plan(50, length=9)) == 'ETA once steps at this length are timed'


def test_validation_probe_and_far_check_costs_are_timed_apart_from_the_steps():
  pace = eta.Pace(0, 0.0)
  records = [({'train/loss': 1.0}, 10, 100.0),  # compiling: left out
             ({'train/loss': 1.0}, 20, 110.0),  # 1 s a step
             ({'probe/2x_sequence_accuracy': 1.0}, 20, 113.0),
             ({'validation/max_sequence_accuracy': 1.0}, 20, 120.0),
             ({'far/sequence_accuracy': 1.0}, 20, 125.0),  # the far check, with it
             ({'validation/max_sequence_accuracy': 1.0}, 25, 135.0)]  # 5 steps, then 5 s
  seen = []
  for keys, step, seconds in records:
    pace.record({**keys, 'step': step, 'curriculum_length': 81, 'train_seconds': seconds})
    seen.append((pace.step_seconds(), pace.overhead('validation'), pace.overhead('probe')))
  assert seen[2:] == [(1.0, None, 3.0), (1.0, 7.0, 3.0), (1.0, 12.0, 3.0), (1.0, 5.0, 3.0)]
  # From step 20: 20 steps, validations at 20 (its progress line comes first) and 40.
  assert eta.seconds_left(pace, plan(20, max_steps=40, eval_every=20, probe_every=20)) == (
      20 * 1.0 + 2 * 5.0 + 2 * 3.0)


def test_max_hours_caps_the_eta_and_clock_goes_past_a_day():
  pace = eta.Pace(0, 0.0)
  for record in RECORDS[:6]:
    pace.record(record)
  assert eta.describe(pace, plan(250, hours_left=0.25)) == 'ETA 0:15:00'
  assert eta.clock(90061) == '25:01:01'
  assert eta.periodic(200, 1200, 200, at_end=True) == 6
  assert eta.periodic(201, 1250, 200, at_end=True) == 6


def test_a_far_check_after_a_validation_in_the_compiling_interval_is_not_timed_either():
  pace = eta.Pace(0, 0.0)
  pace.record({'step': 3, 'validation/loss': 0.1, 'train_seconds': 9.0})  # compiled too
  pace.record({'step': 3, 'validation/far_sequence_accuracy': 1.0, 'train_seconds': 11.0})
  assert pace.overhead('validation') is None
  pace.record({'step': 6, 'train_seconds': 14.0})
  pace.record({'step': 6, 'validation/loss': 0.1, 'train_seconds': 15.0})
  pace.record({'step': 6, 'validation/far_sequence_accuracy': 1.0, 'train_seconds': 17.0})
  assert pace.overhead('validation') == pytest.approx(3.0)  # the validation and its far check
