"""The trainer's training loop: exact resumes, the time budget, training on when solved,
early stopping, one trace for the whole curriculum, the training time, tracking, a stage's
advance without a length curriculum, and starting from another run. Its rules, driven
without training (and so in the inner loop), are in test_trainer_rules.py."""
import contextlib
import dataclasses
import shutil
import signal
import time

import numpy as np
import pytest
import tensorflow as tf

from experiments import presets
from neuralgpu import faults
from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate
from neuralgpu.runs import stored
from neuralgpu.runs import workdir as workdirs
from neuralgpu.training import checkpoints
from neuralgpu.training.curriculum import CURRICULUM_WINDOW
from neuralgpu.training.train import Trainer
from neuralgpu.training.train_state import RUNNING, STOPPED_EARLY
from neuralgpu.training.validation import SOLVED_STREAK
from support import TINY, metrics, record_errors, straight_and_resumed


pytestmark = pytest.mark.slow


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
  assert trainer.train_step.compiled[1.0].experimental_get_tracing_count() == 1
  assert trainer.validation.loss.experimental_get_tracing_count() == 1


def test_train_step_factors_trace_one_step_each_and_draw_by_seed_and_step(tmp_path):
  config = dataclasses.replace(TINY, max_steps=12, batch_size=8, train_step_factors='1,2')
  trainer = Trainer(config.validate(), tmp_path)
  trainer.train()
  step = trainer.train_step
  assert [f.experimental_get_tracing_count() for f in step.compiled.values()] == [1, 1]
  drawn = [step.factor([config.seed, n]) for n in range(12)]
  assert drawn == [step.factor([config.seed, n]) for n in range(12)]  # as a resume draws
  assert set(drawn) == {1.0, 2.0}


def test_training_time_is_the_checkpointed_one_and_a_finished_run_adds_none(tmp_path):
  first = Trainer(TINY, tmp_path)
  first.train()
  seconds = float(first.state.seconds)
  again = Trainer(TINY, tmp_path)
  again.train()  # at max_steps already: restores, trains nothing
  assert seconds > 0 and float(again.state.seconds) == seconds


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
  records = metrics(tmp_path)
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


def test_start_from_checkpoint_latest_begins_at_the_latest_not_the_best(tmp_path):
  first = Trainer(TINY, tmp_path / 'first')
  first.train()
  # The latest made one other than the best (in TINY's run the best is the final one).
  earlier = first.saves.latest.checkpoints[1]
  assert earlier.endswith('ckpt-5') and first.saves.best.checkpoints[-1].endswith('ckpt-10')
  (tmp_path / 'first' / 'checkpoints' / 'checkpoint').write_text(
      'model_checkpoint_path: "ckpt-5"\n')
  config = dataclasses.replace(TINY, seed=1, max_steps=5, start_from=str(tmp_path / 'first'),
                               start_from_checkpoint='latest')
  second = Trainer(config, tmp_path / 'second')
  second.train()
  start = checkpoint_weights(second.saves.latest.checkpoints[0])  # saved before step 1
  latest, best = checkpoint_weights(earlier), checkpoint_weights(first.saves.best.checkpoints[-1])
  assert start.keys() == latest.keys() and start
  for name in latest:
    np.testing.assert_array_equal(start[name], latest[name], err_msg=name)
  assert any(not np.array_equal(start[name], best[name]) for name in best)


def test_start_from_preset_trains_that_preset_first_once_then_starts_from_its_best(tmp_path):
  config = presets.config('smoke', {'start_from_preset': 'smoke', 'seed': 1, 'max_steps': 5})
  trainer = Trainer(config, tmp_path, presets.earlier_stages(config))
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


def test_a_stage_whose_preset_starts_from_another_trains_the_chain_in_order(tmp_path):
  def second():
    return dict(presets.smoke(), start_from_preset='smoke', max_steps=12)
  presets.preset(second)
  try:
    config = presets.config('smoke', {'start_from_preset': 'second', 'max_steps': 5})
    earlier = presets.earlier_stages(config)
    assert [(c.start_from_preset, c.max_steps) for c in earlier] == [('smoke', 12), ('', 20)]
    assert Trainer(config, tmp_path, earlier).train() == 5
  finally:
    del presets.PRESETS['second']
  steps = {part: stored.trained_summary(tmp_path / part)['steps']
           for part in ('start/start', 'start', '.')}
  assert steps == {'start/start': 20, 'start': 12, '.': 5}
  # Each stage began from the best weights of the one before.
  for later, before in (('start', 'start/start'), ('.', 'start')):
    begun = checkpoint_weights(tmp_path / later / 'checkpoints' / 'ckpt-0')
    best = checkpoint_weights(checkpoints.best_path(tmp_path / before))
    assert begun.keys() == best.keys() and best
    for name in best:
      np.testing.assert_array_equal(begun[name], best[name], err_msg=(later, name))


def test_a_signal_in_the_first_stage_names_that_stage_and_its_checkpoint(tmp_path,
                                                                          monkeypatch):
  @contextlib.contextmanager
  def sigterm_already_received():
    yield [signal.SIGTERM]

  monkeypatch.setattr(faults, 'signals_deferred', sigterm_already_received)
  config = presets.config('smoke', {'start_from_preset': 'smoke', 'max_steps': 5})
  with pytest.raises(faults.Interrupted) as stop:
    Trainer(config, tmp_path, presets.earlier_stages(config)).train()
  assert (stop.value.step, stop.value.workdir) == (0, tmp_path / 'start')
  assert tf.train.latest_checkpoint(tmp_path / 'start' / 'checkpoints').endswith('ckpt-0')
  assert not (tmp_path / 'checkpoints').exists()
  # Resumed, the first stage's settings come from its own workdir.
  monkeypatch.undo()
  assert Trainer(config, tmp_path).train() == 5


def test_start_from_a_run_of_another_size_fails_naming_it(tmp_path):
  Trainer(TINY, tmp_path / 'first').train()
  wider = dataclasses.replace(TINY, maps=6, start_from=str(tmp_path / 'first'))
  with pytest.raises(ValueError, match=r"--start_from=.*first: checkpoint does not match "
                     r"this run's model .*same model and sizes"):
    Trainer(wider, tmp_path / 'second').train()
  assert not (tmp_path / 'second' / 'checkpoints').exists()
