"""The DNGPU computes what DNGPU_model.py computes, piece by piece, on hand-made numbers;
and AdaMax and the rate-proportional noise of its trainer."""
import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from neuralgpu.config import Config
from neuralgpu.evaluation import visualize
from neuralgpu.models.dngpu import (DNGPU, hard_sigmoid, hard_tanh, saturation,
                                    shift_thirds)
from neuralgpu.training import optim
from support import assert_dropout_in_training_only


SMALL = Config(model='dngpu', maps=7, layers=1, dropout=0.0).validate()


def test_hard_sigmoid_and_tanh_saturate_at_one():
  x = tf.constant([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
  np.testing.assert_allclose(hard_sigmoid(x), [0, 0, 0.25, 0.5, 0.75, 1, 1])
  np.testing.assert_allclose(hard_tanh(x), [-1, -1, -0.5, 0, 0.5, 1, 1])


def test_saturation_sums_what_passes_the_limit():
  x = tf.constant([[-1.5, 0.5], [0.95, 2.0]])
  assert float(saturation(x, 0.9)) == pytest.approx(0.6 + 0.05 + 1.1)
  assert float(saturation(x, 2.0)) == 0.0


def test_diagonal_gates_shift_a_third_of_the_maps_each_way():
  """7 maps: 7 - 2·(7//3) = 3 stay, 2 come from x − 1, 2 from x + 1 (the reference's
  filter [0,1,0]×3, [1,0,0]×2, [0,0,1]×2)."""
  state = tf.reshape(tf.range(1, 1 + 4 * 7, dtype=tf.float32), [1, 1, 4, 7])
  shifted, original = shift_thirds(state).numpy()[0, 0], state.numpy()[0, 0]
  np.testing.assert_array_equal(shifted[:, :3], original[:, :3])
  np.testing.assert_array_equal(shifted[1:, 3:5], original[:-1, 3:5])
  np.testing.assert_array_equal(shifted[0, 3:5], 0)
  np.testing.assert_array_equal(shifted[:-1, 5:], original[1:, 5:])
  np.testing.assert_array_equal(shifted[-1, 5:], 0)


def numpy_dngpu(model, inputs, targets=None):
  """DNGPU_model.createLoss in numpy for one DCGRU, no dropout: (logits, saturation)."""
  limit, (batch, length) = model.config.saturation_limit, inputs.shape
  cell = model.cells[0]
  kg, bg = cell.gate_kernel.numpy(), cell.gate_bias.numpy()
  kc, bc = cell.candidate_kernel.numpy(), cell.candidate_bias.numpy()
  maps = kc.shape[-1]

  def conv(s, k):  # SAME, width 3, as a cross-correlation
    padded = np.pad(s, [(0, 0), (1, 1), (0, 0)])
    return sum(padded[:, i:i + length] @ k[i] for i in range(3))

  def sat(x):
    return np.maximum(np.abs(x) - limit, 0).sum()

  mask = np.ones((batch, length, 1))
  if targets is not None:
    mask = ((inputs != 0) | (targets != 0))[..., None].astype(float)
  pre = model.input_kernel.numpy()[inputs] + model.input_bias.numpy()
  total = length * sat(pre)
  s = np.clip(pre, -1, 1) * mask
  third = maps // 3
  for _ in range(length):
    pre_g = conv(s, kg) + bg
    r = np.clip(pre_g[..., :maps] / 2 + 0.5, 0, 1)
    g = np.clip(pre_g[..., maps:] / 2 + 0.5, 0, 1)
    pre_c = conv(r * s, kc) + bc
    c = np.clip(pre_c, -1, 1)
    shifted = s.copy()
    shifted[:, :, maps - 2 * third:maps - third] = np.pad(
        s[:, :-1, maps - 2 * third:maps - third], [(0, 0), (1, 0), (0, 0)])
    shifted[:, :, maps - third:] = np.pad(s[:, 1:, maps - third:], [(0, 0), (0, 1), (0, 0)])
    s = (g * shifted + (1 - g) * c) * mask
    total += sat(pre_g) + sat(pre_c)
  logits = s @ model.output_kernel.numpy() + model.output_bias.numpy()
  return logits, total / (length**2 * batch)


def test_forward_pass_and_saturation_cost_are_the_reference_formulas():
  model = DNGPU(SMALL, vocab_size=4)
  for v in model.trainable_variables:  # big enough weights that gates saturate
    v.assign(tf.random.stateless_uniform(v.shape, [1, v.shape.num_elements()], -1.5, 1.5))
  inputs = np.array([[1, 2, 3, 2, 1, 0, 0], [2, 2, 3, 1, 1, 2, 1]])
  targets = np.array([[2, 1, 2, 2, 0, 0, 0], [1, 1, 2, 2, 1, 1, 1]])
  for given in (None, targets):  # in training (dropout 0 here): saturation is counted
    logits, extras = model(tf.constant(inputs), training=True, seed=tf.constant([0, 0]),
                           targets=None if given is None else tf.constant(given))
    expected_logits, expected_saturation = numpy_dngpu(model, inputs, given)
    np.testing.assert_allclose(logits.numpy(), expected_logits, rtol=1e-4, atol=1e-5)
    assert float(extras['saturation']) == pytest.approx(expected_saturation, rel=1e-4)
    assert expected_saturation > 0


def test_the_mask_zeroes_a_bins_fill_and_only_with_targets():
  model = DNGPU(dataclasses.replace(SMALL, maps=6), vocab_size=4)
  inputs = tf.constant([[1, 3, 2, 0, 0]])
  targets = tf.constant([[2, 2, 0, 0, 0]])  # the answer ended, but the input runs on
  state = model.embed(inputs)
  mask = model.mask(inputs, targets)
  np.testing.assert_array_equal(mask.numpy()[0, 0, :, 0], [1, 1, 1, 0, 0])
  assert model.mask(inputs, None) is None
  stepped, _, _ = model.step(state * mask, mask)
  np.testing.assert_array_equal(stepped.numpy()[0, 0, 3:], 0)
  assert np.abs(stepped.numpy()[0, 0, :3]).max() > 0


def test_initial_weights_follow_the_reference_initializers():
  model = DNGPU(dataclasses.replace(SMALL, maps=48), vocab_size=4)
  cell = model.cells[0]
  np.testing.assert_allclose(cell.gate_bias.numpy(), [0.5] * 48 + [0.7] * 48)
  np.testing.assert_array_equal(cell.candidate_bias.numpy(), 0)
  limit = np.sqrt(6 / (3 * 48 + 3 * 48))  # Glorot uniform of a [3, 48, 48] kernel
  for kernel in (cell.gate_kernel.numpy(), cell.candidate_kernel.numpy()):
    assert np.abs(kernel).max() <= limit
    assert kernel.std() == pytest.approx(limit / np.sqrt(3), rel=0.05)
  assert cell.gate_kernel.shape == (3, 48, 96)


def test_dropout_hits_the_input_and_the_candidate_in_training_only():
  assert_dropout_in_training_only(DNGPU, dataclasses.replace(SMALL, dropout=0.5))
  # Not scaled by length (unlike ngpu's): at length 81 half the input is dropped, the rest
  # doubled, as tf.nn.dropout(keep_prob=0.5) does.
  kept = tf.nn.experimental.stateless_dropout(tf.ones([81, 48]), 0.5, seed=[0, 1]).numpy()
  assert set(np.unique(kept)) == {0.0, 2.0} and 0.4 < (kept == 0).mean() < 0.6


def test_saturation_weight_adapts_as_dngpu_trainer_sets_it():
  """set_saturation_weight: min(1e-3, lr · mean loss / mean saturation), at least 1e-20;
  the auxiliary loss is the weight times the saturation."""
  model = DNGPU(SMALL, vocab_size=4)
  assert float(model.auxiliary_loss({'saturation': tf.constant(2.0)})) == pytest.approx(2e-3)
  model.after_window({'loss': 0.5, 'saturation': 100.0}, lr=0.01)
  assert float(model.saturation_weight) == pytest.approx(0.01 * 0.5 / 100)
  model.after_window({'loss': 0.5, 'saturation': 0.1}, lr=0.01)
  assert float(model.saturation_weight) == pytest.approx(1e-3)  # capped
  model.after_window({'loss': 0.0, 'saturation': 1.0}, lr=0.01)
  assert float(model.saturation_weight) == pytest.approx(1e-20)
  off = DNGPU(dataclasses.replace(SMALL, saturation_weight=0.0), vocab_size=4)
  off.after_window({'loss': 0.5, 'saturation': 1.0}, lr=0.01)
  assert float(off.saturation_weight) == 0.0


def test_trace_draws_the_state_through_the_steps():
  model = DNGPU(SMALL, vocab_size=4)
  inputs = np.array([[1, 2, 3, 2, 1]])
  trace = model.trace(inputs)
  assert trace.shape == (6, 1, 5, 1, 7)  # before and after each of 5 steps, one row
  np.testing.assert_allclose(model.readout(trace[-1]).numpy(),
                             model(tf.constant(inputs))[0].numpy(), atol=1e-5)
  panels = visualize.panels(model, inputs[0])
  assert all(panel.shape == (6, 5) for panel in panels.values())


def test_adamax_is_the_reference_update_with_its_clipping():
  """adamax.py: g clipped to ±(1.2·v + 1e-4); m = 0.9 m + 0.1 g; v = max(β2 v, |g|);
  w −= lr · m / (v + 1e-8); β2 = 1 − max(0.0005, 0.01 · 0.5^(t/2000)), t from 0."""
  w = tf.Variable([1.0, -2.0])
  adamax = optim.AdaMax([w])
  expected, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
  for t, raw in enumerate([[0.5, -3.0], [0.4, 1.0], [9.0, 0.2]]):
    beta2 = 1 - max(0.0005, 0.01 * 0.5**(t / 2000))
    g = np.clip(raw, -(1.2 * v + 1e-4), 1.2 * v + 1e-4)  # the first step: ±1e-4
    m = 0.9 * m + 0.1 * g
    v = np.maximum(beta2 * v, np.abs(g))
    expected -= 0.1 * m / (v + 1e-8)
    adamax.apply([tf.constant(raw, tf.float32)], [w], 0.1)
  np.testing.assert_allclose(w.numpy(), expected, rtol=1e-5)
  assert int(adamax.iterations) == 3
  adamax.iterations.assign(4000)
  assert float(adamax.beta2()) == pytest.approx(1 - 0.0025)
  adamax.iterations.assign(20000)
  assert float(adamax.beta2()) == pytest.approx(1 - 0.0005)


def test_rate_noise_is_a_truncated_normal_times_lr_times_the_scale():
  grads = [tf.zeros([300, 300])]
  noisy = optim.add_rate_noise(grads, 0.005, 1e-4, tf.constant([1, 2]))[0].numpy()
  scale = 0.005 * 1e-4
  assert np.abs(noisy).max() <= 2 * scale  # truncated at two standard deviations
  assert noisy.std() == pytest.approx(0.88 * scale, rel=0.02)  # std of N(0,1) cut at ±2


def test_no_global_clipping_at_max_grad_norm_zero():
  grads = [tf.fill([10], 3.0)]
  kept, norm = optim.clip_and_add_noise(grads, 0.0, 0.0, tf.constant([0, 0]))
  assert float(norm) == pytest.approx(np.sqrt(90))
  np.testing.assert_array_equal(kept[0].numpy(), grads[0].numpy())


def test_layers_steps_per_symbol_and_compute_dtype_apply_to_the_dngpu_too():
  inputs = tf.constant(np.random.default_rng(0).integers(1, 4, (2, 9)), tf.int32)
  two = DNGPU(dataclasses.replace(SMALL, layers=2), vocab_size=4)
  assert len(two.cells) == 2 and not np.allclose(two.cells[0].candidate_kernel.numpy(),
                                                 two.cells[1].candidate_kernel.numpy())
  slower = DNGPU(dataclasses.replace(SMALL, steps_per_symbol=2), vocab_size=4)
  assert slower.trace(inputs.numpy()[:1]).shape[0] == 2 * 9 + 1
  model = DNGPU(SMALL, vocab_size=4)
  low = DNGPU(dataclasses.replace(SMALL, compute_dtype='bfloat16'), vocab_size=4)
  reference, logits = model(inputs)[0].numpy(), low(inputs)[0].numpy()
  assert logits.dtype == np.float32
  assert 0 < np.abs(logits - reference).max() < 0.1 * np.abs(reference).max()


def test_the_trainer_adds_rate_noise_only_when_asked(tmp_path):
  from neuralgpu.training.train import Trainer  # pylint: disable=import-outside-toplevel
  updates = {}
  for noise in (0.0, 0.0, 1e4):
    config = dataclasses.replace(SMALL, task='badd', max_length=9, dropout=0.0,
                                 lr_noise=noise, optimizer='adamax')
    trainer = Trainer(config, tmp_path / str(len(updates)))
    before = np.concatenate([v.numpy().ravel() for v in trainer.model.trainable_variables])
    trainer.train_one_step(0)
    after = np.concatenate([v.numpy().ravel() for v in trainer.model.trainable_variables])
    updates.setdefault(noise, []).append(after - before)
  # AdaMax's first update is lr · 0.1 · sign(g) for every element the gradient reaches:
  # noise of lr × 1e4 (30 here) flips the signs of about half of them.
  np.testing.assert_array_equal(*updates[0.0])
  flipped = np.sign(updates[1e4][0]) != np.sign(updates[0.0][0])
  assert 0.3 < flipped.mean() < 0.7


def test_the_unrolled_steps_of_a_known_length_are_the_loop_of_an_unknown_one():
  model = DNGPU(dataclasses.replace(SMALL, dropout=0.3), vocab_size=4)
  inputs = tf.constant(np.random.default_rng(1).integers(1, 4, (3, 11)), tf.int32)
  seed = tf.constant([4, 5])
  looped = tf.function(lambda x: model(x, training=True, seed=seed, targets=x),
                       input_signature=[tf.TensorSpec([None, None], tf.int32)])
  unrolled = tf.function(lambda x: model(x, training=True, seed=seed, targets=x),
                         input_signature=[tf.TensorSpec([None, 11], tf.int32)])
  (a, extras_a), (b, extras_b) = looped(inputs), unrolled(inputs)
  np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)
  assert float(extras_a['saturation']) == pytest.approx(float(extras_b['saturation']))
