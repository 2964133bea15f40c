"""What training measures besides its loss, and what it decides from that: validation
(accuracies, the best checkpoint, a collapse, the learning-rate plateau, solved), probes
and tracked learning curves. The trainer acts on the verdict (stop, roll back); this
module changes only its part of the training state (best, streaks, the plateau's rate)
and the best checkpoint."""
import enum
import re

import numpy as np
import tensorflow as tf

import tasks
from neuralgpu import faults, lengths, model_registry
from neuralgpu.config import SELECT_EXAMPLES
from neuralgpu.evaluation import evaluate, visualize
from neuralgpu.models.base import predictor


VALIDATION_EXAMPLES = 64
# The validation split's stream of hard inputs, apart from its random ones (stream 0).
HARD_STREAM = 1
PROBE_EXAMPLES = 16  # a probe at 10 times the length costs 100 times as much per example
# Stop only after this many validations in a row get every sequence right, and then
# the far length passes evaluate.solved: one perfect validation of 64 examples let
# through a model still wrong on 13% of length-401 inputs.
SOLVED_STREAK = 3


class Verdict(enum.Enum):
  GO_ON = 'go on'
  SOLVED = 'solved'
  COLLAPSED = 'collapsed'  # far below the best: go back to the best checkpoint


class Validation:

  def __init__(self, config, task, model, curriculum, state, saves, rate, write):
    self.config, self.task, self.model = config, task, model
    self.curriculum, self.state, self.saves, self.rate = curriculum, state, saves, rate
    self.write = write  # appends a record to the run's metrics
    self.predict = predictor(model)
    ids = tf.TensorSpec([None, None], tf.int32)
    self.loss = tf.function(self._loss, input_signature=[ids, ids])
    self.draws_state = model_registry.get(config.model).draws_state
    self.last_accuracy = None  # at max_length, of the latest validation

  def _loss(self, inputs, targets):
    # Teacher-forced for models that take targets: the loss of the answer as trained.
    return self.model.loss(self.model(inputs, targets=targets)[0], targets)

  def validate(self, step: int) -> Verdict:
    """Accuracies at the curriculum length, max_length and beyond; the best checkpoint;
    the learning-rate plateau; whether the run collapsed or is solved."""
    c, s = self.config, self.state
    curriculum = int(s.curriculum_length)
    at = {'curriculum': curriculum, 'max': c.max_length, 'beyond': lengths.beyond(c)}
    examples = {name: self.examples(length) for name, length in at.items()}
    if c.select_length:
      at['select'] = c.select_length
      examples['select'] = self.examples(c.select_length, SELECT_EXAMPLES, with_suites=False)
    results = {name: {kind: evaluate.accuracy(self.predict, *pair)
                      for kind, pair in examples[name].items()} for name in at}
    target = self.last_accuracy = sequences_right(results['max'])
    # A collapse from a model right at least half the time; below that, accuracy at
    # max_length swings widely while the curriculum is still short.
    if c.roll_back and float(s.best_accuracy) >= 0.5 and target < float(s.best_accuracy) / 2:
      return Verdict.COLLAPSED
    beyond = sequences_right(results['beyond'])
    select = sequences_right(results['select']) if c.select_length else 0.0
    if self.ranks_as_best(target, beyond, select):
      s.best_accuracy.assign(target)
      s.best_beyond_accuracy.assign(beyond)
      s.best_select_accuracy.assign(select)
      s.since_best.assign(0)
      self.saves.save_best(step)
    else:
      s.since_best.assign_add(1)
    # The loss of random inputs alone, as the learning-rate plateau was tuned on.
    loss = float(self.loss(*examples['curriculum']['random']))
    self.rate.after_validation(loss)
    self.write({'step': step, 'curriculum_length': curriculum,
                'lr': self.rate.at(step), 'validation/curriculum_loss': loss,
                **{key: value for name, kinds in results.items()
                   for key, value in records(name, kinds).items()}})
    shown = {n: k for k, n in at.items()}  # once when the curriculum is at max_length
    print(f'  validation at step {step}: sequence accuracy ' + ', '.join(
        f'{describe(results[k])} at length {n}' for n, k in shown.items()), flush=True)
    perfect = (curriculum == c.max_length and self.curriculum.final_stage(s) and
               target == 1.0 and beyond == 1.0)
    s.solved_streak.assign(int(s.solved_streak) + 1 if perfect else 0)
    # Not asked when the run goes on anyway: at the far length it is a slow check.
    solved = (c.stop_when_solved and int(s.solved_streak) >= SOLVED_STREAK and
              self.solved_far(step))
    return Verdict.SOLVED if solved else Verdict.GO_ON

  def ranks_as_best(self, target: float, beyond: float, select: float) -> bool:
    """Whether these accuracies rank at least as high as the best checkpoint's, compared
    as the training state holds them (float32): a mean such as (63/64 + 1 + 1) / 3 rounds
    up there, so an equal later one compared in float64 lost the tie, and a second stage's
    best stayed at its first validation (docs/notes.md, 2026-12-07, seventh session)."""
    s = self.state
    held = [float(np.float32(value)) for value in (target, beyond, select)]
    return self.rank(*held) >= self.rank(float(s.best_accuracy),
                                         float(s.best_beyond_accuracy),
                                         float(s.best_select_accuracy))

  def rank(self, target: float, beyond: float, select: float) -> tuple:
    """What the best checkpoint maximizes, ties going to the later one: sequences right
    at max_length, then beyond it (the model that generalizes further). With
    --select_length their sum with those right at that length comes first: one badd
    model's validations were perfect at 81 and 163 while it went wrong at 2,001 as it
    trained on; another's best stayed at step 200 (103 of 153 suite inputs right at
    2,001) because later ones had one hard input of 64 wrong at 163, and its last got 151
    (docs/notes.md)."""
    if self.config.select_length:
      return target + beyond + select, target, beyond
    return target, beyond

  def examples(self, length: int, count: int = VALIDATION_EXAMPLES,
               with_suites: bool = True) -> dict:
    """The validation examples at `length`: {'random': (inputs, targets)} of `count`
    and, when training mixes in hard inputs (--hard_fraction > 0), 'hard': as many from
    the task's sampler of them; with --validate_suites and `with_suites`, 'suites': every
    input of the task's suites.
    The best checkpoint and solved go by all of them together, so a run is
    judged on the inputs it is trained to get right: a badd model judged on random ones
    alone stopped as solved, exact on random inputs at 401, with 6 of the 14 carry chains
    of the suite there wrong."""
    chosen = {'random': evaluate.held_out(self.task, length, count, split='validation')}
    if self.config.hard_fraction:
      rng = tasks.split_rng(self.task.name, 'validation', length, HARD_STREAM)
      inputs = self.task.random_hard_training_inputs(rng, count, length)
      chosen['hard'] = inputs, self.task.targets(inputs)
    # The 64 hard inputs drawn at random missed what the suites see: a badd model right on
    # all of them at 81 and 163 had 2 of the suites' 66 carry chains wrong at 163, 14 of
    # 72 at 401 (docs/notes.md).
    suites = self.task.eval_suites(length) if with_suites and self.config.validate_suites else {}
    if suites:
      chosen['suites'] = tuple(np.concatenate(part) for part in zip(*suites.values()))
    return chosen

  def solved_far(self, step: int) -> bool:
    """The last check before stopping, too slow to run at every validation: the streak
    has every sequence right at max_length; evaluate.solved decides with the far length."""
    length = lengths.far(self.config)
    results = {kind: evaluate.accuracy(self.predict, *pair)
               for kind, pair in self.examples(length).items()}
    # Each kind must pass evaluate.solved alone: right hard inputs excuse no wrong random one.
    accuracy = min(result['sequence_accuracy'] for result in results.values())
    self.write({'step': step, **records('far', results)})
    print(f'  validation at step {step}: sequence accuracy {describe(results)} at length '
          f'{length}', flush=True)
    if not evaluate.solved(1.0, accuracy):
      self.state.solved_streak.assign(0)
      return False
    return True

  def probe(self, step: int, summaries) -> None:
    """Logs a quick look at generalization (2 and 10 times the curriculum length) and,
    for models that draw their state, pictures of it through the steps on a validation
    example (TensorBoard `summaries`)."""
    curriculum = int(self.state.curriculum_length)
    record = {'step': step}
    for times in (2, 10):
      length = self.task.scaled_length(curriculum, times)
      inputs, targets = evaluate.held_out(self.task, length, PROBE_EXAMPLES, 'validation')
      result = evaluate.accuracy(self.predict, inputs, targets)
      record.update({f'probe/{times}x_{m}': result[m]
                     for m in ('symbol_accuracy', 'sequence_accuracy')})
    self.write(record)
    if not self.draws_state:
      return
    example = evaluate.held_out(self.task, curriculum, 1, 'validation')[0][0]
    with faults.writing('TensorBoard summaries'), summaries.as_default(step=step):
      for name, panel in visualize.panels(self.model, example).items():
        tag = 'state/' + re.sub(r'\W+', '_', name)  # summary names take no spaces
        tf.summary.image(tag, visualize.to_unit(panel)[None, :, :, None])

  def tracked(self, step: int) -> dict:
    """Symbol and sequence accuracy on the test examples at --track_lengths, the record
    of learning curves."""
    c = self.config
    record = {'step': step}
    for length in lengths.to_track(c):
      inputs, targets = evaluate.held_out(self.task, length, c.track_examples)
      result = evaluate.accuracy(self.predict, inputs, targets,
                                 evaluate.batch_size(c, length))
      record[f'track/symbols_{length}'] = result['symbol_accuracy']
      record[f'track/sequences_{length}'] = result['sequence_accuracy']
    return record


def records(name: str, results: dict) -> dict:
  """Metrics records of the accuracies at one validation length: validation/max_... of
  random inputs, validation/max_hard_... of hard ones."""
  return {f'validation/{name}{"" if kind == "random" else "_" + kind}_{m}': result[m]
          for kind, result in results.items() for m in ('symbol_accuracy', 'sequence_accuracy')}


def sequences_right(results: dict) -> float:
  """The mean of the kinds' sequence accuracies: random inputs, hard ones and the suites
  weigh the same however many each has."""
  return float(np.mean([r['sequence_accuracy'] for r in results.values()]))


def describe(results: dict) -> str:
  """'100.00%', or with hard inputs and suites '100.00% (hard inputs 93.75%, suites
  100.00%)'."""
  others = [f'{KIND_NAMES[kind]} {evaluate.floor_percent(result["sequence_accuracy"])}'
            for kind, result in results.items() if kind != 'random']
  text = evaluate.floor_percent(results['random']['sequence_accuracy'])
  return text + (f' ({", ".join(others)})' if others else '')


KIND_NAMES = {'hard': 'hard inputs', 'suites': 'suites'}
