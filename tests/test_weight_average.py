"""--weight_average: the average's arithmetic, and that validation, the best checkpoint
and a resume see what they should."""
import dataclasses
import types

import numpy as np
import pytest
import tensorflow as tf

from neuralgpu.config import Config
from neuralgpu.training import weight_average
from neuralgpu.training.train import Trainer
from support import TINY, straight_and_resumed


def test_the_average_moves_by_the_decay_swaps_in_and_out_and_resets():
  weight = tf.Variable([1.0, 2.0])
  average = weight_average.build(Config(weight_average=0.9),
                                 types.SimpleNamespace(trainable_variables=[weight]))
  weight.assign([11.0, 12.0])
  average.update()
  np.testing.assert_allclose(average.averages[0].numpy(), [2.0, 3.0], rtol=1e-6)
  with average.in_model():
    np.testing.assert_allclose(weight.numpy(), [2.0, 3.0], rtol=1e-6)
  np.testing.assert_array_equal(weight.numpy(), [11.0, 12.0])
  average.reset()
  np.testing.assert_array_equal(average.averages[0].numpy(), [11.0, 12.0])


def test_without_it_nothing_is_averaged_or_kept():
  average = weight_average.build(Config(), types.SimpleNamespace(trainable_variables=[]))
  assert average.trackables() == {}


@pytest.mark.slow
def test_the_best_checkpoint_holds_the_averaged_weights_and_training_its_own(tmp_path):
  config = dataclasses.replace(TINY, weight_average=0.9, eval_every=10)
  trainer = Trainer(config, tmp_path)
  trainer.train()  # one validation, at step 10: the best and the latest checkpoint
  averaged = [a.numpy() for a in trainer.average.averages]
  # train() ends with the best checkpoint's weights: the averaged ones.
  for weight, average in zip(trainer.model.trainable_variables, averaged):
    np.testing.assert_array_equal(weight.numpy(), average)
  trainer.saves.restore()  # the latest checkpoint: the run's own weights, the same average
  assert any(not np.array_equal(weight.numpy(), average)
             for weight, average in zip(trainer.model.trainable_variables, averaged))
  for kept, average in zip(trainer.average.averages, averaged):
    np.testing.assert_array_equal(kept.numpy(), average)


@pytest.mark.slow
def test_a_resumed_run_keeps_the_average_of_an_uninterrupted_one(tmp_path):
  config = dataclasses.replace(TINY, weight_average=0.9, dropout=0.2)
  straight, resumed = straight_and_resumed(config, tmp_path)
  for a, b in zip(straight.average.averages, resumed.average.averages):
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
