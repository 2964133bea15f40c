"""The LSTM and GRU baselines: cells against Keras, shapes, loss masking, dropout,
decoding, settings."""
import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from neuralgpu import model_registry
from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate
from neuralgpu.models import recurrent
from neuralgpu.models.base import pad_after_end, through_end


pytestmark = pytest.mark.slow

VOCAB = 5
FORMS = [dict(model=m, rnn_form=f, bidirectional=b) for m in ('lstm', 'gru')
         for f, b in (('read_write', False), ('seq2seq', False), ('seq2seq', True))]
FORM_IDS = [f'{f["model"]}-{f["rnn_form"]}{"-bi" if f["bidirectional"] else ""}'
            for f in FORMS]


def build(form, **settings):
  config = Config(units=16, layers=2, **form, **settings).validate()
  return model_registry.build(config, VOCAB)


def batch(seed=0, shape=(3, 7)):
  rng = np.random.default_rng(seed)
  return (tf.constant(rng.integers(1, VOCAB, shape), tf.int32),
          tf.constant(rng.integers(0, VOCAB, shape), tf.int32))


@pytest.mark.parametrize('name, keras_layer', [('lstm', tf.keras.layers.LSTM),
                                               ('gru', tf.keras.layers.GRU)])
def test_cells_compute_what_keras_layers_with_the_same_weights_compute(name, keras_layer):
  rng = np.random.default_rng(0)
  inputs = rng.standard_normal((2, 5, 3)).astype(np.float32)
  cell = recurrent.CELLS[name](3, 4, rng, name)
  cell.bias.assign(rng.standard_normal(cell.bias.shape).astype(np.float32))
  bias = cell.bias.numpy() if name == 'lstm' else np.stack(  # Keras: input, recurrent
      [cell.bias.numpy(), cell.recurrent_bias.numpy()])
  for reverse in (False, True):
    layer = keras_layer(4, return_sequences=True, return_state=True, go_backwards=reverse)
    layer.build((None, None, 3))
    layer.set_weights([cell.kernel.numpy(), cell.recurrent_kernel.numpy(), bias])
    expected, final = layer(inputs)[:2]
    outputs, state = recurrent.run(cell, tf.constant(inputs), reverse=reverse)
    # go_backwards gives the outputs in the order computed; ours stay by position.
    np.testing.assert_allclose(outputs, expected.numpy()[:, ::-1] if reverse else expected,
                               atol=1e-6)
    np.testing.assert_allclose(state[0], final, atol=1e-6)


@pytest.mark.parametrize('form', FORMS, ids=FORM_IDS)
def test_logits_are_batch_by_length_by_vocab_in_every_form(form):
  model = build(form)
  for shape in ((3, 7), (1, 1), (2, 12)):
    inputs, targets = batch(shape=shape)
    assert model(inputs)[0].shape == (*shape, VOCAB)
    assert model(inputs, targets=targets)[0].shape == (*shape, VOCAB)
    trained = model(inputs, training=True, seed=tf.constant([1, 2]), targets=targets)[0]
    assert trained.shape == (*shape, VOCAB)
    assert model.predict(inputs).shape == shape


def test_the_end_of_the_answer_is_its_first_padding():
  targets = tf.constant([[2, 3, 0, 0, 0], [2, 2, 2, 2, 2], [0, 1, 0, 1, 0]])
  np.testing.assert_array_equal(through_end(targets), [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1],
                                                       [1, 0, 0, 0, 0]])
  np.testing.assert_array_equal(pad_after_end(targets), [[2, 3, 0, 0, 0], [2, 2, 2, 2, 2],
                                                         [0, 0, 0, 0, 0]])


@pytest.mark.parametrize('form', FORMS, ids=FORM_IDS)
def test_what_stands_after_the_end_of_the_answer_does_not_change_the_loss(form):
  model = build(form)
  inputs, _ = batch()
  targets = np.array([[2, 3, 1, 0, 0, 0, 0], [4, 4, 4, 4, 4, 4, 0], [1, 0, 0, 0, 0, 0, 0]])
  # Symbols where padding stood after the end marker (the first padding).
  changed = np.where(through_end(targets).numpy() > 0, targets, 3)
  assert (changed != targets).sum() == 8

  def loss(answer):
    answer = tf.constant(answer, tf.int32)  # teacher forcing feeds them back, too
    return float(model.loss(model(inputs, targets=answer)[0], answer))

  assert loss(changed) == loss(targets)
  inside = targets.copy()
  inside[0, 1] = 4  # a symbol of the answer itself
  assert loss(inside) != loss(targets)


def test_the_neural_gpu_loss_counts_the_padding_after_the_answer():
  model = model_registry.build(Config(maps=8, height=2).validate(), VOCAB)
  inputs, _ = batch()
  targets = np.zeros((3, 7), np.int32)
  changed = targets.copy()
  changed[:, 3:] = 2
  logits = model(inputs)[0]
  assert float(model.loss(logits, tf.constant(targets))) != float(
      model.loss(logits, tf.constant(changed)))


@pytest.mark.parametrize('form', FORMS, ids=FORM_IDS)
def test_dropout_acts_in_training_only(form):
  model = build(form, dropout=0.3)
  clean = build(form, dropout=0.0)  # the same seed: the same initial weights
  inputs, targets = batch()
  np.testing.assert_array_equal(model(inputs)[0], clean(inputs)[0])
  np.testing.assert_array_equal(model(inputs, targets=targets)[0],
                                clean(inputs, targets=targets)[0])
  seed_a, seed_b = tf.constant([1, 2]), tf.constant([1, 3])
  train_a = model(inputs, training=True, seed=seed_a, targets=targets)[0]
  np.testing.assert_array_equal(train_a,
                                model(inputs, training=True, seed=seed_a, targets=targets)[0])
  assert not np.array_equal(train_a, model(inputs, training=True, seed=seed_b,
                                           targets=targets)[0])
  assert not np.array_equal(train_a, model(inputs, targets=targets)[0])


@pytest.mark.parametrize('form', [f for f in FORMS if f['rnn_form'] == 'seq2seq'],
                         ids=[i for i in FORM_IDS if 'seq2seq' in i])
def test_greedy_decoding_is_teacher_forcing_on_its_own_predictions(form):
  model = build(form)
  inputs, _ = batch()
  greedy = model(inputs)[0]
  own = tf.argmax(greedy, -1, tf.int32)
  np.testing.assert_allclose(model(inputs, targets=own)[0], greedy, atol=1e-5)


def test_a_bidirectional_encoder_reads_the_whole_input_at_every_position():
  inputs, _ = batch(shape=(1, 6))
  last_changed = tf.concat([inputs[:, :-1], (inputs[:, -1:] % (VOCAB - 1)) + 1], axis=1)
  for bidirectional, sees_the_end in ((False, False), (True, True)):
    model = build(dict(model='lstm', rnn_form='seq2seq', bidirectional=bidirectional))
    first = [model.encode(x, None)[0][0, 0].numpy() for x in (inputs, last_changed)]
    assert (not np.allclose(*first)) == sees_the_end


def test_read_write_answers_from_the_steps_after_the_input():
  """The first output is written after the whole input is read, so it may depend on the
  last input symbol (a network reading and writing in step could not)."""
  model = build(dict(model='gru', rnn_form='read_write'))
  inputs, _ = batch(shape=(1, 6))
  last_changed = tf.concat([inputs[:, :-1], (inputs[:, -1:] % (VOCAB - 1)) + 1], axis=1)
  assert not np.allclose(model(inputs)[0][0, 0], model(last_changed)[0][0, 0])


def test_training_seq2seq_without_targets_is_refused():
  model = build(dict(model='gru', rnn_form='seq2seq'))
  with pytest.raises(ValueError, match='teacher forcing'):
    model(batch()[0], training=True, seed=tf.constant([0, 0]))


@pytest.mark.parametrize('settings, message', [
    (dict(model='lstm', maps=8),
     '--maps is a setting of --model=ngpu and --model=dngpu, not of --model=lstm'),
    (dict(model='gru', relax_sets=3), '--relax_sets is a setting of --model=ngpu'),
    (dict(units=64), '--units is a setting of --model=lstm and --model=gru, not of '
     '--model=ngpu'),
    (dict(rnn_form='seq2seq'), '--rnn_form is a setting of --model=lstm'),
    (dict(model='lstm', bidirectional=True), '--bidirectional needs --rnn_form=seq2seq'),
])
def test_settings_of_another_model_are_refused(settings, message):
  with pytest.raises(ValueError, match=message):
    Config(**settings).validate()


def test_shared_settings_serve_every_model():
  shared = dict(layers=3, dropout=0.2, lr_half_life=100, early_stopping=5)
  for model in ('ngpu', 'lstm', 'gru'):
    config = Config(model=model, **shared).validate()  # refused would raise ValueError
    assert {k: getattr(config, k) for k in shared} == shared


def test_evaluation_batches_of_baselines_fit_the_memory_budget():
  for bidirectional in (False, True):
    config = Config(model='lstm', rnn_form='seq2seq', units=512, bidirectional=bidirectional)
    for length in (41, 401, 4001):
      size = evaluate.batch_size(config, length)
      per_position = config.units * 16 * (1 + bidirectional)  # 16 vectors per position
      assert size >= 1 and size * length * per_position * 4 <= evaluate.ACTIVATION_BUDGET
  big, small = (dataclasses.replace(Config(model='gru'), units=u) for u in (1024, 64))
  assert evaluate.batch_size(big, 401) < evaluate.batch_size(small, 401)
