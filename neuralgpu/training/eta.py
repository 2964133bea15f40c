"""How long a run has still to go: the ETA of the progress line, from what this
session's steps, validations and probes cost.

It was once the steps left over this session's mean pace. That mean held what a resume
spends compiling (54 minutes read just after resuming a run that had 15 to go) and, early
on, no validation: the second stage of badd_dngpu_two_stage validates for about 330 s
after every 200 steps of about 500 s, so its ETA grew from 16 to 25 minutes over 1,000
steps. Here:
- a step costs the median of this session's recent intervals between records, at the
  curriculum length of the run now; the session's first interval is left out (it holds
  the compiling of the step), and so is any interval holding a validation or a probe;
- a validation (with its far check) and a probe cost what this session's last one did,
  counted for each one still to come;
- where the step the run stops at is not known (when solved, early stopping) the line
  says so and gives the most steps left; where later steps cost more (a curriculum not
  at its longest length) the time is a lower bound.
Pure Python: fed the records the trainer writes to metrics.jsonl (each with its step and
the run's training seconds so far), so a run's metrics.jsonl tests it.
"""
import dataclasses
import statistics

# Step intervals a pace is the median of: few enough to follow a change of the machine's
# load, enough that one slow interval (a checkpoint written) does not move it.
RECENT = 8
# Records of periodic work other than steps, by the prefix of their keys.
OVERHEAD_OF_PREFIX = {'validation': 'validation', 'far': 'validation', 'probe': 'probe'}


def kind(record: dict) -> str:
  """'validation', 'probe', or 'steps' for a record that only marks the time at a step."""
  for key in record:
    prefix = key.split('/')[0]
    if '/' in key and prefix in OVERHEAD_OF_PREFIX:
      return OVERHEAD_OF_PREFIX[prefix]
  return 'steps'


class Pace:
  """What this session's steps (per curriculum length), validations and probes cost,
  from the records written since it started at `step` with `seconds` of training."""

  def __init__(self, step: int, seconds: float):
    self.last_step, self.last_seconds, self.last_kind = step, seconds, 'start'
    self.length = None  # the curriculum length of the latest record that gave one
    self.compiled = False  # the first interval, which compiles the step, is behind
    self.step_costs: dict[int, list[float]] = {}
    self.overhead_costs: dict[str, float] = {}

  def record(self, record: dict) -> None:
    step, seconds, what = record['step'], record['train_seconds'], kind(record)
    spent, steps = seconds - self.last_seconds, step - self.last_step
    self.length = record.get('curriculum_length', self.length)
    if what == 'steps':
      if steps > 0 and self.compiled:
        recent = self.step_costs.setdefault(self.length, [])
        recent[:] = (recent + [spent / steps])[-RECENT:]
    elif steps == 0 or self.step_seconds() is not None:
      # Steps before the work in the same interval are taken out at their measured cost.
      cost = spent - steps * (self.step_seconds() or 0.0)
      after_its_validation = steps == 0 and self.last_kind == what  # a far check
      if after_its_validation:
        # Its validation untimed (it ran in the compiling interval): this one is not either.
        timed = what in self.overhead_costs
        cost += self.overhead_costs.get(what, 0.0)
      else:
        timed = self.compiled or steps == 0
      if timed:
        self.overhead_costs[what] = max(cost, 0.0)
    # A roll-back moves the step back: the interval after it starts there.
    self.compiled = self.compiled or steps > 0
    self.last_step, self.last_seconds, self.last_kind = step, seconds, what

  def step_seconds(self, length=None) -> float | None:
    """Seconds per step at `length` (default: the latest), None if not yet measured."""
    recent = self.step_costs.get(self.length if length is None else length)
    return statistics.median(recent) if recent else None

  def overhead(self, what: str) -> float | None:
    return self.overhead_costs.get(what)


@dataclasses.dataclass(frozen=True)
class Plan:
  """What is left of a run at `step`, as the trainer knows it."""
  step: int
  max_steps: int
  eval_every: int
  probe_every: int
  length: int  # the curriculum length now
  settled: bool  # every step to come costs what a step at `length` does
  stops_when: str = ''  # what may stop it before max_steps ('' if nothing)
  hours_left: float | None = None  # --max_hours: the training hours left


def stop_rule(stop_when_solved: bool, early_stopping: int) -> str:
  """What may stop a run before --max_steps, in words ('' if nothing)."""
  rules = (['solved'] if stop_when_solved else []) + (
      [f'{early_stopping} validations without a new best'] if early_stopping else [])
  return ' or '.join(rules)


def periodic(step: int, max_steps: int, every: int, at_end: bool) -> int:
  """How many of the steps from `step` (its progress line comes before its validation
  and probe) to max_steps are multiples of `every`, and max_steps itself if at_end
  (validation runs there too)."""
  count = max_steps // every - (step - 1) // every
  return count + (1 if at_end and max_steps % every and max_steps >= step else 0)


def seconds_left(pace: Pace, plan: Plan) -> float | None:
  """The training seconds to max_steps at the measured costs; None until a step and (if
  any is to come) a validation are timed in this session."""
  per_step = pace.step_seconds(plan.length)
  validations = periodic(plan.step, plan.max_steps, plan.eval_every, at_end=True)
  per_validation = pace.overhead('validation')
  if per_step is None or (validations and per_validation is None):
    return None
  # A probe takes seconds beside a validation's minutes: untimed, it counts as none.
  probes = periodic(plan.step, plan.max_steps, plan.probe_every, at_end=False)
  return ((plan.max_steps - plan.step) * per_step + validations * (per_validation or 0.0)
          + probes * (pace.overhead('probe') or 0.0))


def clock(seconds: float) -> str:
  """H:MM:SS, the hours going past 24."""
  seconds = int(round(seconds))
  return f'{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}'


def describe(pace: Pace, plan: Plan) -> str:
  """The progress line's ETA: a time where it is known, else what is."""
  left = seconds_left(pace, plan)
  steps = plan.max_steps - plan.step
  if left is not None and plan.hours_left is not None:
    left = min(left, max(plan.hours_left, 0.0) * 3600)
  if plan.stops_when:
    bound = f' ({clock(left)})' if left is not None and plan.settled else ''
    return f'ETA: until {plan.stops_when}, at most {steps:,} steps{bound}'
  if left is None:
    if pace.step_seconds(plan.length) is None:
      return 'ETA once steps at this length are timed'
    return 'ETA once a validation is timed'
  if not plan.settled:
    return f'ETA over {clock(left)} (longer lengths to come)'
  return f'ETA {clock(left)}'
