"""The trainer's curriculum, relaxation schedule, plateau decay and exact resumes."""
import contextlib
import dataclasses
import json
import shutil
import signal
import time

import numpy as np
import pytest
import tensorflow as tf

from experiments import presets
from neuralgpu import checkpoints, evaluate, faults, lengths
from neuralgpu import workdir as workdirs
from neuralgpu.config import Config
from neuralgpu.curriculum import CURRICULUM_WINDOW
from neuralgpu.train import Trainer
from neuralgpu.train_state import RUNNING, STOPPED_EARLY
from neuralgpu.validation import SOLVED_STREAK
from support import TINY, straight_and_resumed

pytestmark = pytest.mark.slow



def record_errors(trainer, error):
  trainer.state.recent_errors.assign(tf.fill([CURRICULUM_WINDOW], float(error)))


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
  record = json.loads((tmp_path / 'metrics.jsonl').read_text().splitlines()[-1])
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


def test_a_resumed_run_continues_exactly_like_an_uninterrupted_one(tmp_path):
  config = dataclasses.replace(TINY, dropout=0.2, grad_noise=0.1, relax_sets=2)
  straight, resumed = straight_and_resumed(config, tmp_path)
  for a, b in zip(straight.model.variables, resumed.model.variables):
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
  assert int(straight.state.curriculum_length) == int(resumed.state.curriculum_length)


def test_max_hours_stops_on_the_first_checkpoint_past_the_budget_and_can_be_raised(
    tmp_path, capsys):
  budget = Trainer(dataclasses.replace(TINY, max_hours=1e-9), tmp_path)
  assert budget.train() == TINY.eval_every  # the first validation is past a 3.6 us budget
  assert 'stopped at step 5: --max_hours=1e-09' in capsys.readouterr().out
  assert Trainer(dataclasses.replace(TINY, max_hours=1e-9), tmp_path).train() == 5
  assert Trainer(dataclasses.replace(TINY, max_hours=0.0), tmp_path).train() == 10


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


def test_a_run_told_not_to_stop_when_solved_trains_on_with_the_latest_perfect_best(tmp_path):
  config = dataclasses.replace(TINY, min_length=9, stop_when_solved=False, eval_every=1,
                               max_steps=SOLVED_STREAK + 2)
  trainer = Trainer(config, tmp_path)
  trainer.validation.predict = trainer.task.targets  # an oracle: solved every validation
  assert trainer.train() == config.max_steps
  assert int(trainer.state.finished) == RUNNING
  assert int(trainer.state.solved_streak) == config.max_steps
  assert int(trainer.saves.best.latest_checkpoint.rsplit('-', 1)[1]) == config.max_steps
  records = (tmp_path / 'metrics.jsonl').read_text()
  assert 'validation/far_' not in records  # the slow far check is skipped


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
  records = [json.loads(line) for line in (tmp_path / 'metrics.jsonl').read_text().splitlines()]
  assert records[-1]['validation/max_sequence_accuracy'] == 1.0
  assert records[-1]['validation/max_hard_sequence_accuracy'] < 1.0
  validation.predict = task.targets
  results = [trainer.validate(step) for step in range(10, 10 + SOLVED_STREAK)]
  assert results == [False] * (SOLVED_STREAK - 1) + [True]
  far = json.loads((tmp_path / 'metrics.jsonl').read_text().splitlines()[-1])
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
  record = json.loads((tmp_path / 'metrics.jsonl').read_text().splitlines()[-1])
  assert record['validation/beyond_sequence_accuracy'] == 1.0
  rows = [tuple(row) for inputs, _ in task.eval_suites(beyond).values() for row in inputs]
  assert rows.count(maximal) == 2  # all_maximal's one input, and the same in same_operand
  assert record['validation/beyond_suites_sequence_accuracy'] == 1 - 2 / len(rows)
  validation.predict = task.targets
  results = [trainer.validate(step) for step in range(10, 10 + SOLVED_STREAK)]
  assert results == [False] * (SOLVED_STREAK - 1) + [True]


def right_on_every(n, task):
  """A stand-in model right on every n-th example of a batch, wrong on the others."""
  def predict(inputs):
    answers = task.targets(inputs)
    wrong = np.arange(len(inputs)) % n != 0
    answers[wrong] = 1 - answers[wrong]
    return answers
  return predict


def test_early_stopping_ends_the_run_with_the_best_weights_and_it_stays_finished(tmp_path):
  config = dataclasses.replace(TINY, eval_every=1, early_stopping=2, max_steps=50)
  trainer = Trainer(config, tmp_path)
  # A third right at the first validation, then a quarter: no new best after step 1 (and
  # below the half that would count as a collapse and roll back).
  trainer.validation.predict = lambda inputs: right_on_every(
      3 if int(trainer.state.step) <= 1 else 4, trainer.task)(inputs)
  assert trainer.train() == 3
  assert int(trainer.state.finished) == STOPPED_EARLY and float(trainer.state.seconds) > 0
  best = Trainer(config, tmp_path)
  assert best.saves.restore(best=True) == 1
  for a, b in zip(best.model.variables, trainer.model.variables):
    np.testing.assert_array_equal(a.numpy(), b.numpy())
  again = Trainer(config, tmp_path)
  assert again.train() == 3  # a finished run does not train on


def test_exponential_decay_halves_the_rate_every_half_life(tmp_path):
  trainer = Trainer(dataclasses.replace(TINY, lr_half_life=100), tmp_path)
  assert trainer.learning_rate(0) == pytest.approx(TINY.lr)
  assert trainer.learning_rate(100) == pytest.approx(TINY.lr / 2)
  assert trainer.learning_rate(250) == pytest.approx(TINY.lr / 2**2.5)
  trainer.state.lr.assign(TINY.lr / 4)  # with a plateau decay on top
  assert trainer.learning_rate(100) == pytest.approx(TINY.lr / 8)
  assert Trainer(TINY, tmp_path / 'off').learning_rate(10**6) == pytest.approx(TINY.lr)


def test_a_baseline_trains_through_the_same_loop_and_resumes_exactly(tmp_path):
  config = dataclasses.replace(TINY, model='gru', rnn_form='seq2seq', maps=Config.maps,
                               height=Config.height, units=8, dropout=0.2, max_steps=10)
  straight, resumed = straight_and_resumed(config, tmp_path)
  for a, b in zip(straight.model.variables, resumed.model.variables):
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
  assert straight.saves.best.latest_checkpoint and not straight.validation.draws_state


def test_training_traces_its_step_once_for_every_length_and_batch(tmp_path):
  """One graph serves the whole curriculum: a retrace per length would cost seconds."""
  config = dataclasses.replace(TINY, max_steps=40, batch_size=8)
  trainer = Trainer(config, tmp_path)
  trainer.state.curriculum_length.assign(9)  # batches mix lengths 3 to 9
  trainer.train()
  assert trainer.train_step.experimental_get_tracing_count() == 1
  assert trainer.validation.loss.experimental_get_tracing_count() == 1


def test_training_time_is_the_checkpointed_one_and_a_finished_run_adds_none(tmp_path):
  first = Trainer(TINY, tmp_path)
  first.train()
  seconds = float(first.state.seconds)
  again = Trainer(TINY, tmp_path)
  again.train()  # at max_steps already: restores, trains nothing
  assert seconds > 0 and float(again.state.seconds) == seconds


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


def test_a_task_in_stages_moves_on_without_a_length_curriculum(tmp_path):
  # --curriculum=none with a batch from every bin each step: every step counts toward
  # the stage's advance (it used to count none, so the first stage never ended).
  config = dataclasses.replace(TINY, task='mul_bases', max_length=5, curriculum='none',
                               batching='bins', bins='3,5')
  trainer = Trainer(config, tmp_path)
  state = trainer.state
  errors = [1 - trainer.train_one_step(step)[1]['sequence_accuracy']
            for step in range(CURRICULUM_WINDOW)]
  assert np.mean(errors) >= config.curriculum_threshold  # untrained: still in stage 0
  assert int(state.stage) == 0
  np.testing.assert_allclose(state.recent_errors.numpy(), errors, rtol=1e-6)
  seen = []
  for _ in range(3):
    record_errors(trainer, 0.0)
    trainer.maybe_advance_curriculum()
    seen.append((int(state.stage), int(state.curriculum_length)))
  assert seen == [(1, 5), (2, 5), (2, 5)]


def test_tracking_logs_test_accuracy_at_its_lengths_outside_training_time(tmp_path,
                                                                          monkeypatch):
  config = dataclasses.replace(TINY, track_lengths='5,9', track_every=5)
  trainer = Trainer(config, tmp_path)
  trainer.train()
  records = [json.loads(line) for line in (tmp_path / 'metrics.jsonl').read_text().splitlines()]
  tracked = [r for r in records if 'track/sequences_9' in r]
  assert [r['step'] for r in tracked] == [0, 5, 10]
  for record in tracked:
    assert {k for k in record if k.startswith('track/')} == {
        'track/symbols_5', 'track/sequences_5', 'track/symbols_9', 'track/sequences_9'}
    assert all(0 <= v <= 1 for k, v in record.items() if k.startswith('track/'))
  # The measurement's own time is left out of the training time.
  slow = evaluate.accuracy
  monkeypatch.setattr(evaluate, 'accuracy', lambda *a, **k: time.sleep(1) or slow(*a, **k))
  seconds = float(trainer.state.seconds)
  trainer.clock = time.time() - 2  # two seconds of training since the last count
  trainer.track(11)
  assert 2 <= float(trainer.state.seconds) - seconds < 2.5


def checkpoint_weights(path) -> dict:
  reader = tf.train.load_checkpoint(str(path))
  return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
          if name.startswith('model/') and 'OPTIMIZER_SLOT' not in name}


def test_start_from_begins_at_the_best_weights_of_another_run(tmp_path):
  first = Trainer(TINY, tmp_path / 'first')
  first.train()
  longer = dataclasses.replace(TINY, max_length=11, seed=1, max_steps=5,
                               start_from=str(tmp_path / 'first'))
  second = Trainer(longer, tmp_path / 'second')
  second.train()
  start = checkpoint_weights(second.saves.latest.checkpoints[0])  # saved before step 1
  best = checkpoint_weights(first.saves.best.checkpoints[-1])
  assert start.keys() == best.keys() and start
  for name in best:
    np.testing.assert_array_equal(start[name], best[name], err_msg=name)
  assert int(second.state.step) == 5  # a fresh training state
  # Resuming takes the run's own checkpoint, whatever became of the run it started from.
  (tmp_path / 'first' / 'best' / 'checkpoint').unlink()
  assert Trainer(dataclasses.replace(longer, max_steps=6), tmp_path / 'second').train() == 6


def test_start_from_preset_trains_that_preset_first_once_then_starts_from_its_best(tmp_path):
  config = presets.config('smoke', {'start_from_preset': 'smoke', 'seed': 1, 'max_steps': 5})
  trainer = Trainer(config, tmp_path, presets.first_stage(config))
  assert trainer.train() == 5
  first = workdirs.load_config(tmp_path / 'start')
  assert (first.seed, first.max_steps, first.start_from_preset) == (1, 20, '')
  start = checkpoint_weights(trainer.saves.latest.checkpoints[0])  # saved before step 1
  best = checkpoint_weights(checkpoints.best_path(tmp_path / 'start'))
  assert start.keys() == best.keys() and start
  for name in best:
    np.testing.assert_array_equal(start[name], best[name], err_msg=name)
  # Going on needs the first stage no more: it is not trained again.
  shutil.rmtree(tmp_path / 'start')
  assert Trainer(dataclasses.replace(config, max_steps=6), tmp_path).train() == 6
  assert not (tmp_path / 'start').exists()


def test_a_signal_in_the_first_stage_names_that_stage_and_its_checkpoint(tmp_path,
                                                                          monkeypatch):
  @contextlib.contextmanager
  def sigterm_already_received():
    yield [signal.SIGTERM]

  monkeypatch.setattr(faults, 'signals_deferred', sigterm_already_received)
  config = presets.config('smoke', {'start_from_preset': 'smoke', 'max_steps': 5})
  with pytest.raises(faults.Interrupted) as stop:
    Trainer(config, tmp_path, presets.first_stage(config)).train()
  assert (stop.value.step, stop.value.workdir) == (0, tmp_path / 'start')
  assert tf.train.latest_checkpoint(tmp_path / 'start' / 'checkpoints').endswith('ckpt-0')
  assert not (tmp_path / 'checkpoints').exists()
  # Resumed, the first stage's settings come from its own workdir.
  monkeypatch.undo()
  assert Trainer(config, tmp_path).train() == 5


def test_a_first_stage_not_handed_down_is_asked_for(tmp_path):
  config = presets.config('smoke', {'start_from_preset': 'smoke', 'max_steps': 5})
  with pytest.raises(ValueError, match=r'--start_from_preset=smoke: its run\'s Config is '
                     r'needed, as first_stage=experiments.presets.first_stage\(config\)'):
    Trainer(config, tmp_path).train()
  assert not (tmp_path / 'start').exists()


def test_a_preset_that_starts_from_another_run_cannot_be_the_first_stage():
  def starts_elsewhere():
    return dict(presets.smoke(), start_from_preset='smoke')
  presets.preset(starts_elsewhere)
  try:
    with pytest.raises(ValueError, match=r'--start_from_preset=starts_elsewhere starts from '
                       r'another run itself; give a preset that trains from the start'):
      presets.config('smoke', {'start_from_preset': 'starts_elsewhere'})
  finally:
    del presets.PRESETS['starts_elsewhere']


def test_start_from_a_run_of_another_size_fails_naming_it(tmp_path):
  Trainer(TINY, tmp_path / 'first').train()
  wider = dataclasses.replace(TINY, maps=6, start_from=str(tmp_path / 'first'))
  with pytest.raises(ValueError, match=r"--start_from=.*first: checkpoint does not match "
                     r"this run's model .*same model and sizes"):
    Trainer(wider, tmp_path / 'second').train()
  assert not (tmp_path / 'second' / 'checkpoints').exists()
