"""The Neural GPU and each training trick act as stated."""
import dataclasses

import numpy as np
import pytest
import tensorflow as tf
from test_arithmetic import longest_propagate_runs

from neuralgpu.config import Config
from neuralgpu.evaluation import visualize
from neuralgpu.models.ngpu import NeuralGPU, cutoff_sigmoid, dropout_rate
from neuralgpu.training import optim
from support import assert_dropout_in_training_only, training_data


SMALL = Config(maps=8, height=2, layers=1)


def forward(config, inputs, **kwargs):
  model = NeuralGPU(config, vocab_size=4)
  return model, model(tf.constant(inputs, tf.int32), **kwargs)[0].numpy()


def test_shapes_and_state_layout():
  model, logits = forward(SMALL, np.ones((3, 7)))
  assert logits.shape == (3, 7, 4)
  assert model.cgrus[0].gate_kernel.shape == (1, 3, 3, 8, 16)  # [sets, kw, kh, in, u+r]


def test_as_many_steps_as_the_input_is_long():
  """One CGRU of width 3 moves information one position per step, so the last output
  sees the first input only if the model runs at least length - 1 steps."""
  config = dataclasses.replace(SMALL, init_scale=2.0)
  inputs = np.ones((1, 9), np.int32)
  changed = inputs.copy()
  changed[0, 0] = 2
  model = NeuralGPU(config, vocab_size=4)
  a, b = (model(tf.constant(x))[0].numpy()[0] for x in (inputs, changed))
  assert np.abs(a[-1] - b[-1]).max() > 0
  narrow = NeuralGPU(dataclasses.replace(config, kernel_width=1), vocab_size=4)
  a, b = (narrow(tf.constant(x))[0].numpy()[0] for x in (inputs, changed))
  assert np.abs(a[1:] - b[1:]).max() == 0  # a width-1 kernel never moves information


def test_trace_is_the_evaluation_state_through_the_steps():
  config = dataclasses.replace(SMALL, steps_per_symbol=2)
  inputs = tf.constant([[1, 2, 3, 0, 2]])
  model, logits = forward(config, inputs)
  trace = model.trace(inputs)
  assert trace.shape == (11, 1, 5, 2, 8)  # before and after each of 2 x 5 steps
  np.testing.assert_allclose(trace[0], model.embed(inputs).numpy())
  np.testing.assert_allclose(model.readout(trace[-1]).numpy(), logits, atol=1e-5)
  panels = visualize.panels(model, inputs.numpy()[0])
  assert all(panel.shape == (11, 5) for panel in panels.values())
  assert len(panels) == 2 + visualize.CHANNELS_SHOWN


def test_gate_cutoff_is_the_clipped_scaled_sigmoid():
  x = np.linspace(-10, 10, 201).astype(np.float32)
  sigmoid = 1 / (1 + np.exp(-x))
  np.testing.assert_allclose(cutoff_sigmoid(x, 1.2), np.clip(1.2 * sigmoid - 0.1, 0, 1),
                             atol=1e-6)
  assert cutoff_sigmoid(x, 1.2).numpy().min() == 0.0
  assert cutoff_sigmoid(x, 1.2).numpy().max() == 1.0
  np.testing.assert_allclose(cutoff_sigmoid(x, 1.0), sigmoid, atol=1e-6)


def test_recurrent_dropout_in_training_only_with_length_scaled_rate():
  config = dataclasses.replace(SMALL, dropout=0.3)
  assert_dropout_in_training_only(NeuralGPU, config)
  assert float(dropout_rate(config, 9)) == pytest.approx(0.3)
  assert float(dropout_rate(config, 36)) == pytest.approx(0.3 * 3 / 6)


def test_gradient_noise_is_really_added_with_the_annealed_scale():
  grads = [tf.zeros([200, 250]), tf.zeros([1000])]
  noisy, norm = optim.clip_and_add_noise(grads, 1.0, 0.5, tf.constant([3, 4]))
  assert float(norm) == 0.0
  assert np.std(noisy[0].numpy()) == pytest.approx(0.5, rel=0.02)
  assert np.std(noisy[1].numpy()) == pytest.approx(0.5, rel=0.1)
  assert optim.gradient_noise_std(1.0, 0) == 1.0
  assert optim.gradient_noise_std(1.0, 99) == pytest.approx(100**-0.275)


def test_gradients_are_clipped_to_the_global_norm():
  grads = [tf.fill([10], 3.0), tf.fill([5], -4.0)]
  clipped, norm = optim.clip_and_add_noise(grads, 2.0, 0.0, tf.constant([0, 0]))
  assert float(norm) == pytest.approx(np.sqrt(90 + 80))
  assert float(tf.linalg.global_norm(clipped)) == pytest.approx(2.0)


def test_adam_matches_the_textbook_update():
  v = tf.Variable([1.0, -2.0])
  adam = optim.Adam([v], epsilon=1e-6)
  m = s = np.zeros(2)
  w = np.array([1.0, -2.0])
  for t in range(1, 4):
    g = np.array([0.5 * t, -1.0])
    adam.apply([tf.constant(g, tf.float32)], [v], 0.1)
    m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g**2
    w -= 0.1 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(s) + 1e-6)
  np.testing.assert_allclose(v.numpy(), w, rtol=1e-5)


def test_relaxation_cycles_weight_sets_pulls_and_merges():
  config = dataclasses.replace(SMALL, relax_sets=3, init_scale=2.0)
  model = NeuralGPU(config, vocab_size=4)
  x = tf.constant(np.ones((1, 7)), tf.int32)
  assert float(model.relaxation_distance()) == pytest.approx(0.0, abs=1e-9)  # sets start equal
  before = model(x)[0].numpy()
  kernel = model.cgrus[0].candidate_kernel
  kernel.assign(tf.tensor_scatter_nd_update(kernel, [[2]], [tf.zeros(kernel.shape[1:])]))
  assert not np.allclose(before, model(x)[0].numpy())  # step 2, 5 use set 2
  assert float(model.relaxation_distance()) > 0
  model.merge_sets()
  assert float(model.relaxation_distance()) == pytest.approx(0.0, abs=1e-6)
  merged = model(x)[0].numpy()
  kernel.assign(tf.tensor_scatter_nd_update(kernel, [[1]], [tf.ones(kernel.shape[1:])]))
  np.testing.assert_array_equal(merged, model(x)[0].numpy())  # only set 0 in use


def test_training_batches_mix_the_curriculum_length_with_shorter_ones():
  data, _ = training_data(batch_size=4)
  lengths = []
  for step in range(200):
    [(inputs, targets)], length = data.batch(step, 15)
    assert inputs.shape == targets.shape == (4, length)
    lengths.append(length)
  assert set(lengths) == {3, 5, 7, 9, 11, 13, 15}
  assert 0.4 < lengths.count(15) / len(lengths) < 0.7  # half, plus its share of the rest


def test_hard_fraction_of_a_batch_comes_from_the_hard_sampler():
  data, task = training_data(batch_size=32, hard_fraction=0.25, max_length=81)
  inputs, targets = data.examples(np.random.default_rng(0), 32, 81, 0)
  np.testing.assert_array_equal(targets, task.targets(inputs))
  # The last 8 rows hold a run of propagate pairs drawn uniformly up to 40 digits long.
  run_lengths = longest_propagate_runs(task, inputs)
  assert np.mean(run_lengths[24:]) > 2 * np.mean(run_lengths[:24])


@pytest.mark.parametrize('dtype', ['bfloat16', 'float16'])
def test_reduced_precision_convolutions_keep_float32_weights_and_outputs(dtype):
  inputs = np.random.default_rng(0).integers(1, 4, (2, 9))
  model, reference = forward(SMALL, inputs)
  low = NeuralGPU(dataclasses.replace(SMALL, compute_dtype=dtype), vocab_size=4)
  for source, target in zip(model.variables, low.variables):
    target.assign(source)
  logits = low(tf.constant(inputs, tf.int32))[0].numpy()
  assert logits.dtype == np.float32 and all(
      v.dtype == tf.float32 for v in low.trainable_variables)
  # bfloat16 keeps 8 bits of mantissa, float16 11: close to float32, yet not equal.
  assert 0 < np.abs(logits - reference).max() < 0.1 * np.abs(reference).max()


@pytest.mark.parametrize('model', ['ngpu', 'dngpu'])
def test_eval_step_factor_runs_on_past_the_length_in_evaluation_only(model):
  from neuralgpu import model_registry  # pylint: disable=import-outside-toplevel
  from neuralgpu.models.base import predictor  # pylint: disable=import-outside-toplevel
  base = Config(model=model, maps=8, layers=1, dropout=0.0).validate()
  longer = dataclasses.replace(base, eval_step_factor=1.5).validate()
  inputs = np.array([[1, 2, 3, 1, 2, 3, 1]], np.int32)  # no padding: none masked
  model = model_registry.build(longer, vocab_size=4)
  states = list(model.states(inputs))
  assert len(states) - 1 == 11  # ceil(1.5 * 7) steps after the embedding
  last = model.readout(states[-1][0]).numpy()
  # Evaluation, eager (a known length) and compiled (any length), reads the 11th state.
  assert np.allclose(model(tf.constant(inputs))[0].numpy(), last, atol=1e-6)
  assert (predictor(model)(inputs).numpy() == last.argmax(-1)).all()
  # Training runs 7 steps: what the model of the base settings computes.
  model.config = base
  seventh = model.readout(list(model.states(inputs))[-1][0]).numpy()
  model.config = longer
  trained = model(tf.constant(inputs), training=True, seed=tf.constant([1, 2]),
                  targets=tf.constant(inputs))[0].numpy()
  assert np.allclose(trained, seventh, atol=1e-6) and not np.allclose(trained, last)
  # With --train_step_factors, training runs as many steps as its drawn factor says.
  longer_training = model(tf.constant(inputs), training=True, seed=tf.constant([1, 2]),
                          targets=tf.constant(inputs), step_factor=1.5)[0].numpy()
  assert np.allclose(longer_training, last, atol=1e-6)
