"""--mode=trace's statistics: the state through the steps, one step at a time."""
import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from neuralgpu import model_registry
from neuralgpu.config import Config
from neuralgpu.evaluation import state_trace
from neuralgpu.models.base import Model


CONFIGS = {'ngpu': Config(maps=8, height=2, layers=2, init_scale=2.0).validate(),
           'dngpu': Config(model='dngpu', maps=6, layers=2, dropout=0.0).validate()}


@pytest.mark.parametrize('name', CONFIGS)
def test_the_states_end_where_prediction_ends_and_name_each_cells_gates(name):
  model = model_registry.build(CONFIGS[name], vocab_size=4)
  inputs = np.array([[1, 2, 3, 0, 2], [3, 3, 1, 2, 0]], np.int32)
  states = list(model.states(inputs))
  assert len(states) == 6 and states[0][1] == {}  # the input, then after each of 5 steps
  final = np.asarray(model.predictions(model.readout(states[-1][0])))
  np.testing.assert_array_equal(final, np.asarray(model.predict(tf.constant(inputs))))
  gates = {'ngpu': {'update 1', 'reset 1', 'update 2', 'reset 2'},
           'dngpu': {'gate 1', 'reset 1', 'gate 2', 'reset 2'}}[name]
  assert set(states[1][1]) == gates
  assert all(0 <= float(tf.reduce_min(g)) and float(tf.reduce_max(g)) <= 1
             for g in states[1][1].values())


def test_statistics_count_what_the_final_answer_gets_wrong_in_any_batching():
  model = model_registry.build(CONFIGS['ngpu'], vocab_size=4)
  rng = np.random.default_rng(0)
  inputs = rng.integers(1, 4, (5, 7)).astype(np.int32)
  targets = rng.integers(0, 4, (5, 7)).astype(np.int32)
  wrong = np.asarray(model.predict(tf.constant(inputs))) != targets
  whole = state_trace.statistics(model, inputs, targets, batch=5)
  assert whole['wrong_symbols'] == wrong.sum() > 0
  assert whole['sequences_right'] == (~wrong.any(axis=1)).sum()
  assert whole['per_step'][-1]['wrong_symbols'] == pytest.approx(wrong.sum() / 5)
  held = whole['wrong_held_right_steps']
  assert len(held) == whole['wrong_symbols'] and held.count(0) == whole['never_right']
  in_pieces = state_trace.statistics(model, inputs, targets, batch=2)
  for a, b in zip(whole['per_step'][1:], in_pieces['per_step'][1:]):
    assert a.keys() == b.keys()
    # Shares are exact in any batching (each example counts its own values); the sizes
    # are means of each batch's root mean square, so they are not compared.
    for name in ('wrong_symbols', 'changed_symbols', 'update 1 leaking', 'reset 2 leaking'):
      assert a[name] == pytest.approx(b[name], rel=1e-5)
  assert {k: v for k, v in whole.items() if k != 'per_step'} == {
      k: v for k, v in in_pieces.items() if k != 'per_step'}


class Scripted(Model):
  """A model whose read-out at each step is given: one-hot states over 2 symbols."""

  def __init__(self, reads):
    super().__init__()
    self.reads = reads

  def states(self, inputs):
    for step, read in enumerate(self.reads):
      state = tf.one_hot(np.array([read]), 2)[:, :, None, :]
      yield state, ({} if step == 0 else {'gate 1': tf.constant([0.0, 0.5, 1.0, 1.0])})

  def readout(self, state):
    return state[:, :, 0, :]


def test_each_wrong_symbol_is_told_held_then_lost_or_never_right_and_the_answer_dated():
  target = np.array([[1, 1, 0, 1]])
  reads = [[0, 1, 0, 0],   # positions 1 and 2 right from the start
           [1, 1, 0, 0],   # position 0 right from step 1 on
           [1, 1, 0, 0],
           [1, 0, 0, 0]]   # position 1 lost at step 3 (right 3 steps); 3 never right
  result = state_trace.statistics(Scripted(reads), np.ones((1, 4), np.int32), target, 1)
  assert result['steps'] == 3 and result['sequences_right'] == 0
  assert result['wrong_symbols'] == 2 and result['never_right'] == 1
  assert result['wrong_after_answer'] == 0  # no padding in this answer
  assert result['wrong_held_right_steps'] == [3, 0]
  assert result['held_then_lost'] == 1  # 3 steps right: at least a tenth of the 3 steps
  assert result['formed_by_step'] == 1  # the right symbols: since steps 1 and 0
  assert [row['wrong_symbols'] for row in result['per_step']] == [2, 1, 1, 2]
  assert [row.get('changed_symbols') for row in result['per_step']] == [None, 1, 0, 1]
  assert result['per_step'][1]['gate 1 leaking'] == 0.25  # only 0.5 is strictly inside
  table = state_trace.summary_table([result])
  assert '| 4 | 1 | 0 | 2 | 0 | 1 | 1 | 1 of 3 | 25.00% |' in table
  state_trace.figure([result], 'scripted')  # draws without error


def test_a_symbol_right_for_a_moment_is_not_counted_as_held():
  target = np.array([[1, 0]])  # an answer of one symbol, then padding (id 0)
  # 20 steps: position 0 right only at step 0 (1 step in a row, under a tenth), position
  # 1 right at steps 0-4 (5 in a row, over a tenth); both wrong at the end.
  reads = [[1, 0]] + [[0, 0]] * 4 + [[0, 1]] * 16
  result = state_trace.statistics(Scripted(reads), np.ones((1, 2), np.int32), target, 1)
  assert result['wrong_held_right_steps'] == [5, 1]
  assert result['held_then_lost'] == 1 and result['never_right'] == 0
  assert result['wrong_after_answer'] == 1  # position 1, padding read as a symbol
