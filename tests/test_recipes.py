"""The batch, curriculum and schedule options of the reference recipes: every bin every
step and the example pool (DNGPU_trainer.py, data_utils_2.py), the mixed curriculum
(Kaiser & Sutskever's neural_gpu_trainer.py), the training-loss plateau and the
saturation weight's window (DNGPU_trainer.py)."""
import collections
import dataclasses
import itertools
import json

import numpy as np
import pytest

from neuralgpu.config import Config
from neuralgpu.training import curriculum as curricula
from neuralgpu.training.train import Trainer
from neuralgpu.training.train_step import weights_of_parts
from support import training_data


BINS = dict(batching='bins', curriculum='none', bins='5,9,13', max_length=13, batch_size=8)


def own_length(row):
  return int(np.count_nonzero(row))


def test_every_bin_every_step_padded_to_its_length_with_its_own_targets():
  data, task = training_data(task='bmul', target_form='zero_filled', **BINS)
  parts, length = data.batch(step=3, curriculum_length=13)
  assert length is None and [x.shape for x, _ in parts] == [(8, 5), (8, 9), (8, 13)]
  for (inputs, targets), bin_length in zip(parts, [5, 9, 13]):
    for x, y in zip(inputs, targets):
      n = own_length(x)
      assert n <= bin_length and n % 2 == 1
      np.testing.assert_array_equal(x[n:], 0)
      np.testing.assert_array_equal(y[n:], 0)  # the fill is padding in both
      np.testing.assert_array_equal(y[:n], task.targets(x[None, :n])[0])
      assert np.all(y[:n] > 0)  # zero-filled: a digit at every position of its own
  again, _ = data.batch(step=3, curriculum_length=13)
  for (a, _), (b, _) in zip(parts, again):
    np.testing.assert_array_equal(a, b)  # the step alone fixes the data: resumes replay


def test_fresh_bins_draw_their_own_lengths_and_a_share_from_the_bins_before():
  data, _ = training_data(task='badd', shorter_share=0.25, **BINS)
  counts = collections.Counter()
  for step in range(300):
    for bin_length, (inputs, _) in zip([5, 9, 13], data.batch(step, 13)[0]):
      counts.update((bin_length, own_length(x)) for x in inputs)
  assert {n for b, n in counts if b == 5} == {3, 5}
  assert {n for b, n in counts if b == 13} == {3, 5, 7, 9, 11, 13}
  shorter = sum(c for (b, n), c in counts.items() if b == 13 and n < 11)
  total = sum(c for (b, n), c in counts.items() if b == 13)
  assert shorter / total == pytest.approx(0.25 / 1.25, abs=0.03)  # 25 for every 100 own


def test_a_pool_holds_distinct_examples_up_to_what_a_length_has():
  data, task = training_data(task='badd', train_pool=100, **BINS)
  assert len(data.pool(3, 0)[0]) == 4  # 2 bits of operands: 4 distinct inputs
  assert len(data.pool(5, 0)[0]) == 16
  big, targets = data.pool(13, 0)
  assert len(big) == 100 and len({row.tobytes() for row in big}) == 100
  np.testing.assert_array_equal(targets, task.targets(big))


def test_a_pooled_bin_deals_out_every_example_once_per_round_with_its_shorter_share():
  data, _ = training_data(task='badd', train_pool=100, shorter_share=0.05, **BINS)
  entries = data.bin_entries(2, 0)
  own = 2 * 100  # lengths 11 and 13
  assert len(entries) == own + int(own * 0.05)
  assert all(length < 11 for length, _ in entries[own:])
  dealt = [data.dealt(2, 0, epoch) for epoch in range(2)]
  for order in dealt:
    assert sorted(order) == list(range(len(entries)))
  assert not np.array_equal(*dealt)  # a new order each time through
  # One round of bin 13 is 210 examples: steps 0..25 of 8 cover them all once.
  seen = collections.Counter()
  for step in range(26):
    for x in data.batch(step, 13)[0][2][0]:
      seen[x.tobytes()] += 1
  assert max(seen.values()) <= 3  # ≤ 2 rounds touched; no example drawn over and over


def test_bins_must_end_at_max_length_and_each_hold_a_length():
  with pytest.raises(ValueError, match='ending at --max_length=13'):
    Config(**{**BINS, 'bins': '5,9'}).validate()
  with pytest.raises(ValueError, match='bin 10 holds no length'):
    Config(**{**BINS, 'bins': '5,9,10,13'}).validate()
  with pytest.raises(ValueError, match='needs --curriculum=none'):
    Config(**{**BINS, 'curriculum': 'exact'}).validate()


def test_bins_weigh_equally_or_by_their_positions(tmp_path):
  config = Config(task='badd', maps=4, **BINS).validate()
  assert weights_of_parts(config) == pytest.approx([1 / 3] * 3)
  by_positions = dataclasses.replace(config, bin_weighting='positions')
  assert weights_of_parts(by_positions) == pytest.approx([5 / 27, 9 / 27, 13 / 27])


def test_the_loss_of_a_step_is_the_weighted_loss_of_its_bins(tmp_path):
  config = Config(task='badd', maps=4, dropout=0.0, **BINS).validate()
  trainer = Trainer(config, tmp_path)
  parts, _ = trainer.data.batch(0, 13)
  _, metrics = trainer.train_step._gradients(parts, [0, 0], 1.0)  # pylint: disable=protected-access
  losses = [float(trainer.model.loss(trainer.model(x, targets=y)[0], y)) for x, y in parts]
  assert float(metrics['loss']) == pytest.approx(np.mean(losses), rel=1e-5)


def mixed_distribution(curriculum_lengths, all_lengths):
  """The reference's draw, enumerated: uniform; in 60% the max of two; in 25% the max
  with a uniform draw over all lengths."""
  n, m = len(curriculum_lengths), len(all_lengths)
  p = collections.Counter()
  for first, second, longer in itertools.product(range(n), range(n), range(m)):
    for two, mixed in itertools.product((False, True), (False, True)):
      weight = (0.6 if two else 0.4) * (0.25 if mixed else 0.75) / (n * n * m)
      index = max(first, second) if two else first
      length = curriculum_lengths[index]
      if mixed:
        length = max(length, all_lengths[longer])
      p[length] += weight
  return p


def test_the_mixed_curriculum_draws_lengths_as_the_reference_does():
  config = Config(task='badd', curriculum='mixed', max_length=21).validate()
  curriculum = curricula.build(config, config.get_task())
  rng = np.random.default_rng(0)
  draws = collections.Counter(curriculum.draw_length(rng, 9) for _ in range(40000))
  expected = mixed_distribution([3, 5, 7, 9], list(range(3, 22, 2)))
  for length in range(3, 22, 2):
    assert draws[length] / 40000 == pytest.approx(expected[length], abs=0.01), length
  assert curriculum.start_length() == 7  # three above min_length 3: 6, then odd


def test_the_mixed_curriculum_advances_on_the_batches_up_to_its_length(tmp_path):
  config = Config(task='badd', maps=4, curriculum='mixed', max_length=21).validate()
  trainer = Trainer(config, tmp_path)
  state, curriculum = trainer.state, trainer.curriculum
  assert int(state.curriculum_length) == 7
  curriculum.record(state, 21, 1.0)  # longer than the curriculum: not counted
  curriculum.record(state, 5, 0.1)
  curriculum.record(state, 7, 0.1)
  trainer.maybe_advance_curriculum()  # between validations: no decision
  assert int(state.curriculum_length) == 7
  trainer.maybe_advance_curriculum(at_validation=True)
  assert int(state.curriculum_length) == 9
  curriculum.record(state, 9, 0.2)
  trainer.maybe_advance_curriculum(at_validation=True)
  assert int(state.curriculum_length) == 9  # 0.2 is not below 0.15


def test_no_curriculum_starts_at_the_longest_length(tmp_path):
  trainer = Trainer(Config(task='badd', maps=4, curriculum='none').validate(), tmp_path)
  assert int(trainer.state.curriculum_length) == 41


def test_the_training_plateau_decays_when_the_window_two_back_was_lowest(tmp_path):
  """DNGPU_trainer.py: prev_loss.append(avg); decay if min(prev[-2:]) > min(prev[-3:]);
  lr × 0.7, never below lr / 60."""
  config = Config(task='badd', maps=4, lr=0.06, lr_schedule='training_plateau',
                  lr_decay=0.5, lr_floor=1 / 6).validate()
  trainer = Trainer(config, tmp_path)
  state = trainer.state
  rates = []
  for loss in [3.0, 2.0, 2.5, 2.1, 1.0, 1.2, 1.1, 1.3, 1.4, 1.5, 1.6]:
    state.window.assign([loss * 10, 10.0])  # ten steps of mean `loss`
    trainer.end_window(step=10)
    rates.append(round(float(state.lr), 6))
    assert float(state.window[-1]) == 0  # a fresh window
  # 2.5, 2.1 after 2.0: decay; 1.2, 1.1 after 1.0: decay; 1.3 after 1.2 (not the
  # lowest of the three): none; 1.3, 1.4 after 1.1: decay, to the floor 0.06 / 6.
  assert rates == [0.06, 0.06, 0.06, 0.03, 0.03, 0.03, 0.015, 0.015, 0.01, 0.01, 0.01]


def test_the_window_feeds_the_models_saturation_weight(tmp_path):
  config = Config(task='badd', model='dngpu', maps=6, layers=1, lr=0.01).validate()
  trainer = Trainer(config, tmp_path)
  trainer.state.window.assign([2 * 0.5, 2 * 50.0, 2.0])  # two steps: loss 0.5, sat 50
  trainer.end_window(step=2)
  assert float(trainer.model.saturation_weight) == pytest.approx(0.01 * 0.5 / 50)


def test_the_window_is_its_own_setting_not_the_validation_interval(tmp_path):
  # Validating more often must not change the optimization: the saturation weight and
  # the training plateau adapt every --window_steps steps, whatever --eval_every is.
  config = Config(task='badd', model='dngpu', maps=4, layers=1, max_length=9, bins='5,9',
                  batching='bins', curriculum='none', max_steps=6, eval_every=4,
                  window_steps=3, lr_schedule='training_plateau').validate()
  trainer = Trainer(config, tmp_path)
  ended = []
  trainer.end_window = lambda step: ended.append(step)
  trainer.train()
  assert ended == [3, 6]  # and not at the validation of step 4


def test_a_config_saved_before_window_steps_keeps_its_validation_interval(tmp_path):
  saved = tmp_path / 'config.json'
  Config(task='badd', eval_every=100).save(saved)
  values = json.loads(saved.read_text())
  del values['window_steps']
  saved.write_text(json.dumps(values))
  assert Config.load(saved).window_steps == 100


def test_a_validation_plateau_is_not_the_training_plateau(tmp_path):
  config = Config(task='badd', maps=4, lr_schedule='training_plateau').validate()
  trainer = Trainer(config, tmp_path)
  assert not hasattr(trainer.state, 'stalls')  # it keeps what its schedule reads only
  for step in range(1, config.lr_patience + 2):
    trainer.validate(step)  # no new low after the first
  assert float(trainer.state.lr) == pytest.approx(config.lr)


@pytest.mark.parametrize('roll_back', [True, False])
def test_without_roll_back_a_collapse_is_kept(tmp_path, roll_back):
  config = Config(task='badd', maps=4, max_length=9, roll_back=roll_back).validate()
  trainer = Trainer(config, tmp_path)
  trainer.state.best_accuracy.assign(0.9)  # the untrained model now gets ~0%
  trainer.validate(step=200)
  # Going back lowers the rate (with no best checkpoint yet, the step stays).
  assert float(trainer.state.lr) == pytest.approx(config.lr * (0.5 if roll_back else 1))
