"""The trainer's rules, driven without a training step (stand-in error rates, losses and
predictions): the curriculum's advances and stages, the relaxation schedule, the learning
rate's decay, the best checkpoint, roll backs, when a run is solved, and the first stages
it refuses. Fast, so in the inner loop; what needs training is in test_trainer.py."""
import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from experiments import presets
from neuralgpu import lengths
from neuralgpu.training.train import Trainer
from neuralgpu.training.validation import SOLVED_STREAK
from support import TINY, metrics, record_errors


def test_curriculum_advances_to_the_next_valid_length_below_the_threshold(tmp_path):
  trainer = Trainer(TINY, tmp_path)
  state = trainer.state
  record_errors(trainer, 0.2)  # above the 0.15 threshold
  trainer.maybe_advance_curriculum()
  assert int(state.curriculum_length) == 3
  record_errors(trainer, 0.1)
  trainer.state.recent_errors.assign(tf.tensor_scatter_nd_update(
      state.recent_errors, [[0]], [-1.0]))  # one slot of the window still empty
  trainer.maybe_advance_curriculum()
  assert int(state.curriculum_length) == 3
  record_errors(trainer, 0.1)
  trainer.maybe_advance_curriculum()
  assert int(state.curriculum_length) == 5  # badd takes odd lengths only
  assert state.recent_errors.numpy().min() == -1  # a fresh window for the new length
  for _ in range(5):
    record_errors(trainer, 0.0)
    trainer.maybe_advance_curriculum()
  assert int(state.curriculum_length) == 9  # never past max_length


def test_relaxation_pull_grows_at_each_advance_and_the_sets_merge(tmp_path):
  config = dataclasses.replace(TINY, relax_sets=3, pull=0.01, pull_factor=2.0,
                               merge_pull=0.03, max_length=21)
  trainer = Trainer(config, tmp_path)
  record_errors(trainer, 0.0)
  trainer.maybe_advance_curriculum()
  assert float(trainer.model.pull) == pytest.approx(0.02)
  assert not bool(trainer.model.merged)
  record_errors(trainer, 0.0)
  trainer.maybe_advance_curriculum()  # pull 0.04 > merge_pull
  assert bool(trainer.model.merged)
  assert float(trainer.model.relaxation_distance()) == pytest.approx(0.0, abs=1e-6)


def test_sets_merge_when_the_curriculum_reaches_max_length(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, relax_sets=2, max_length=5), tmp_path)
  trainer.state.best_accuracy.assign(0.9)
  record_errors(trainer, 0.0)
  trainer.maybe_advance_curriculum()
  assert int(trainer.state.curriculum_length) == 5 and bool(trainer.model.merged)
  # The merged model is judged afresh: its first drop in accuracy is not a collapse.
  assert float(trainer.state.best_accuracy) == -1.0


def wrong_beyond(task, length):
  """A stand-in model, right on every input shorter than `length`, wrong from there."""
  def predict(inputs):
    answers = task.targets(inputs)
    return answers if inputs.shape[1] < length else 1 - answers
  return predict


def test_learning_rate_decays_after_patience_validations_without_a_lower_loss(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, lr_patience=2, lr_decay=0.5), tmp_path)
  losses = iter([1.0, 1.0, 1.0, 0.5, 0.6, 0.5, 0.4])
  trainer.validation.loss = lambda inputs, targets: next(losses)  # validation loss, in that order
  trainer.validate(1)  # the first validation is progress
  trainer.validate(2)
  assert float(trainer.state.lr) == pytest.approx(TINY.lr)
  trainer.validate(3)
  assert float(trainer.state.lr) == pytest.approx(TINY.lr / 2)
  trainer.validate(4)  # a new low
  trainer.validate(5)
  assert float(trainer.state.lr) == pytest.approx(TINY.lr / 2)
  trainer.validate(6)  # equal to the low is no progress
  assert float(trainer.state.lr) == pytest.approx(TINY.lr / 4)
  trainer.validate(7)
  assert float(trainer.state.best_loss) == pytest.approx(0.4)


def test_best_checkpoint_breaks_ties_at_max_length_by_accuracy_beyond_it(tmp_path):
  trainer = Trainer(TINY, tmp_path)
  beyond = lengths.beyond(trainer.config)
  trainer.validation.predict = trainer.task.targets
  trainer.validate(5)
  trainer.validation.predict = wrong_beyond(trainer.task, beyond)  # as right at max_length only
  trainer.validate(10)
  assert trainer.saves.best.latest_checkpoint.endswith('ckpt-5')
  trainer.validation.predict = trainer.task.targets
  trainer.validate(15)  # a tie in both: the later model
  assert trainer.saves.best.latest_checkpoint.endswith('ckpt-15')


def test_a_tie_with_the_best_goes_to_the_later_when_the_state_rounds_the_best_up(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, select_length=41), tmp_path)
  state, validation = trainer.state, trainer.validation
  mean = float(np.mean([63 / 64, 1.0, 1.0]))  # random, hard inputs, suites
  assert float(np.float32(mean)) > mean  # the float32 state holds it rounded up
  for variable in (state.best_accuracy, state.best_beyond_accuracy,
                   state.best_select_accuracy):
    variable.assign(mean)
  assert validation.ranks_as_best(mean, mean, mean)
  assert not validation.ranks_as_best(mean, mean, 62 / 64)


def test_select_length_puts_the_best_checkpoint_on_the_most_right_over_three_lengths(
    tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, select_length=41), tmp_path)
  validation, task = trainer.validation, trainer.task
  wrong_at_select = wrong_beyond(task, 41)

  def half_wrong_at_max_length(inputs):
    answers = task.targets(inputs)
    if inputs.shape[1] == TINY.max_length:
      answers[::2] = 0
    return answers

  validation.predict = wrong_at_select
  trainer.validate(5)
  record = metrics(tmp_path)[-1]
  assert record['validation/max_sequence_accuracy'] == 1.0
  assert record['validation/select_sequence_accuracy'] == 0.0
  # Right on half at max_length and everything further: more right over the three
  # lengths, though ranked by max_length first it would not be the best.
  validation.predict = half_wrong_at_max_length
  trainer.validate(10)
  assert trainer.saves.best.latest_checkpoint.endswith('ckpt-10')
  validation.predict = wrong_at_select
  trainer.validate(15)
  assert trainer.saves.best.latest_checkpoint.endswith('ckpt-10')


def test_a_collapse_rolls_back_to_the_best_checkpoint_with_a_lower_rate(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, lr_decay=0.5), tmp_path)
  trainer.state.step.assign(7)
  trainer.state.best_accuracy.assign(1.0)  # as if every validation sequence had been right
  trainer.saves.best.save(7)
  saved = [v.numpy().copy() for v in trainer.model.variables]
  trainer.state.step.assign(9)
  trainer.state.lr.assign(TINY.lr / 4)  # decayed on a plateau since the best checkpoint
  for v in trainer.model.trainable_variables:
    v.assign(tf.zeros_like(v))  # a diverged model: every sequence wrong
  trainer.validate(9)
  assert int(trainer.state.step) == 7
  # Below the rate that diverged, not the higher one saved with the best checkpoint.
  assert float(trainer.state.lr) == pytest.approx(TINY.lr / 8)
  for a, b in zip(saved, trainer.model.variables):
    np.testing.assert_array_equal(a, b.numpy())


def test_no_roll_back_from_a_model_that_was_never_right_half_the_time(tmp_path):
  trainer = Trainer(TINY, tmp_path)
  trainer.state.best_accuracy.assign(0.4)  # max_length accuracy while the curriculum is short
  trainer.saves.best.save(7)
  trainer.state.step.assign(9)
  trainer.validation.predict = wrong_beyond(trainer.task, 0)
  trainer.validate(9)
  assert int(trainer.state.step) == 9 and float(trainer.state.lr) == pytest.approx(TINY.lr)


def test_solved_needs_perfect_streak_and_then_every_sequence_right_far_beyond(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, min_length=9), tmp_path)  # at max_length
  task = trainer.task
  far = lengths.far(TINY)
  assert far == 81
  trainer.validation.predict = task.targets  # an oracle: every validation sequence right
  results = [trainer.validate(step) for step in range(1, SOLVED_STREAK + 1)]
  assert results == [False] * (SOLVED_STREAK - 1) + [True]
  trainer.validation.predict = wrong_beyond(task, far)  # right up to twice max_length only
  assert not trainer.validate(4)
  assert int(trainer.state.solved_streak) == 0  # the far check failed and reset it


def test_with_hard_inputs_in_training_a_run_is_solved_only_when_it_gets_them_right(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, min_length=9, hard_fraction=0.5), tmp_path)
  validation, task = trainer.validation, trainer.task
  validated = (9, lengths.beyond(TINY), lengths.far(TINY))
  random = {tuple(row) for n in validated for row in validation.examples(n)['random'][0]}

  def right_on_random_inputs_only(inputs):
    answers = task.targets(inputs)
    other = np.array([tuple(row) not in random for row in inputs])
    answers[other] = 1 - answers[other]
    return answers

  validation.predict = right_on_random_inputs_only
  assert not any(trainer.validate(step) for step in range(1, SOLVED_STREAK + 2))
  assert int(trainer.state.solved_streak) == 0 and float(trainer.state.best_accuracy) < 1
  records = metrics(tmp_path)
  assert records[-1]['validation/max_sequence_accuracy'] == 1.0
  assert records[-1]['validation/max_hard_sequence_accuracy'] < 1.0
  validation.predict = task.targets
  results = [trainer.validate(step) for step in range(10, 10 + SOLVED_STREAK)]
  assert results == [False] * (SOLVED_STREAK - 1) + [True]
  far = metrics(tmp_path)[-1]
  assert far['validation/far_hard_sequence_accuracy'] == 1.0


def test_with_validate_suites_the_best_and_solved_need_every_suite_input_right(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, min_length=9, validate_suites=True), tmp_path)
  validation, task = trainer.validation, trainer.task
  beyond = lengths.beyond(trainer.config)
  maximal = tuple(task.eval_suites(beyond)['all_maximal'][0][0])  # 111111111+111111111

  def wrong_on_the_maximal_operands(inputs):
    answers = task.targets(inputs)
    answers[[tuple(row) == maximal for row in inputs]] = 0
    return answers

  validation.predict = wrong_on_the_maximal_operands
  assert not any(trainer.validate(step) for step in range(1, SOLVED_STREAK + 2))
  assert int(trainer.state.solved_streak) == 0
  record = metrics(tmp_path)[-1]
  assert record['validation/beyond_sequence_accuracy'] == 1.0
  rows = [tuple(row) for inputs, _ in task.eval_suites(beyond).values() for row in inputs]
  assert rows.count(maximal) == 2  # all_maximal's one input, and the same in same_operand
  assert record['validation/beyond_suites_sequence_accuracy'] == 1 - 2 / len(rows)
  validation.predict = task.targets
  results = [trainer.validate(step) for step in range(10, 10 + SOLVED_STREAK)]
  assert results == [False] * (SOLVED_STREAK - 1) + [True]


def test_exponential_decay_halves_the_rate_every_half_life(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, lr_half_life=100), tmp_path)
  assert trainer.learning_rate(0) == pytest.approx(TINY.lr)
  assert trainer.learning_rate(100) == pytest.approx(TINY.lr / 2)
  assert trainer.learning_rate(250) == pytest.approx(TINY.lr / 2**2.5)
  trainer.state.lr.assign(TINY.lr / 4)  # with a plateau decay on top
  assert trainer.learning_rate(100) == pytest.approx(TINY.lr / 8)
  assert Trainer(TINY, tmp_path / 'off').learning_rate(10**6) == pytest.approx(TINY.lr)


def test_a_task_in_stages_runs_the_length_curriculum_once_per_stage(tmp_path):
  config = dataclasses.replace(TINY, task='mul_bases', max_length=5)
  trainer = Trainer(config, tmp_path)
  state = trainer.state
  seen = []
  for _ in range(8):
    record_errors(trainer, 0.0)
    trainer.maybe_advance_curriculum()
    seen.append((int(state.stage), int(state.curriculum_length)))
  # Lengths 3, 5 in each of the three stages (binary, then base 4, then decimal added),
  # then nothing more to learn.
  assert seen == [(0, 5), (1, 3), (1, 5), (2, 3), (2, 5), (2, 5), (2, 5), (2, 5)]
  assert trainer.curriculum.final_stage(trainer.state)


def test_a_first_stage_not_handed_down_is_asked_for(tmp_path):
  config = presets.config('smoke', {'start_from_preset': 'smoke', 'max_steps': 5})
  with pytest.raises(ValueError, match=r'--start_from_preset=smoke: its run\'s Config is '
                     r'needed, as earlier_stages=experiments.presets.earlier_stages\(config\)'):
    Trainer(config, tmp_path).train()
  assert not (tmp_path / 'start').exists()


@pytest.mark.parametrize('settings, error', [
    (dict(start_from_preset='looped'), r'--start_from_preset=looped comes back round to '
     r'itself: looped -> looped; a chain of stages must begin with a preset that trains '
     r'from scratch'),
    (dict(start_from='somewhere'), r'--start_from_preset=looped starts from a trained run '
     r'itself \(--start_from\); give a preset that trains from scratch or from another'),
])
def test_a_chain_of_stages_must_begin_with_a_preset_that_trains_from_scratch(settings,
                                                                             error):
  def looped():
    return dict(presets.smoke(), **settings)
  presets.preset(looped)
  try:
    with pytest.raises(ValueError, match=error):
      presets.config('smoke', {'start_from_preset': 'looped'})
  finally:
    del presets.PRESETS['looped']
