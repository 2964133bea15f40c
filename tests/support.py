"""What many test modules share: the checkout's root, a tiny training config, a run
trained straight and with a resume, a check of dropout, a run's metrics.jsonl, the
training data of a few settings, and a curriculum window filled with one error.
Constants, not fixtures: modules use them at import time (in commands and parametrize
lists)."""
import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import tensorflow as tf

from neuralgpu.config import Config
from neuralgpu.training import curriculum as curricula
from neuralgpu.training.curriculum import CURRICULUM_WINDOW
from neuralgpu.training.data import TrainingData
from neuralgpu.training.train import Trainer


ROOT = Path(__file__).resolve().parents[1]

# What TensorFlow's C++ start-up writes to stderr before absl's logging is set up, on some
# machines whatever TF_CPP_MIN_LOG_LEVEL says: its "I0000 00:00:..." lines and absl's
# warning about them. Not ours, so not counted in our one-line errors.
TF_STARTUP_LINE = re.compile(r'^([IWE]\d{4} \d\d:\d\d:\d\d|WARNING: All log messages before '
                             r'absl::InitializeLog\(\) is called)')


def little_endian_value(digits, base: int) -> int:
  """The number whose digits in base are `digits`, lowest first (an operand as laid out)."""
  return sum(int(d) * base**i for i, d in enumerate(digits))


def our_stderr_lines(stderr: str) -> list:
  """stderr's non-empty lines without TensorFlow's start-up lines."""
  return [line for line in stderr.strip().splitlines()
          if line.strip() and not TF_STARTUP_LINE.match(line)]


# A Neural GPU small enough that a step takes milliseconds: for the trainer's mechanics,
# not for learning.
TINY = Config(task='badd', maps=4, height=2, max_length=9, batch_size=4, eval_every=5,
              log_every=5, max_steps=10)


def straight_and_resumed(config, workdir: Path):
  """Trainers of config's run to step 10 in one go (workdir/straight) and to step 5 then
  resumed to 10 (workdir/resumed), each trained, for comparing the two."""
  straight = Trainer(dataclasses.replace(config, max_steps=10), workdir / 'straight')
  assert straight.train() == 10
  Trainer(dataclasses.replace(config, max_steps=5), workdir / 'resumed').train()
  resumed = Trainer(dataclasses.replace(config, max_steps=10), workdir / 'resumed')
  assert resumed.train() == 10
  return straight, resumed


def assert_dropout_in_training_only(model_class, config):
  """With config.dropout > 0: training outputs depend on the seed alone (the same seed,
  the same output), and outside training the model is the one without dropout."""
  model = model_class(config, vocab_size=4)
  x = tf.constant(np.ones((2, 9)), tf.int32)
  seed_a, seed_b = tf.constant([1, 2]), tf.constant([1, 3])
  train_a = model(x, training=True, seed=seed_a)[0].numpy()
  assert np.array_equal(train_a, model(x, training=True, seed=seed_a)[0].numpy())
  assert not np.array_equal(train_a, model(x, training=True, seed=seed_b)[0].numpy())
  clean = model_class(dataclasses.replace(config, dropout=0.0), vocab_size=4)
  np.testing.assert_array_equal(model(x)[0].numpy(), clean(x)[0].numpy())


def metrics(workdir: Path) -> list[dict]:
  """Every record of the run's metrics.jsonl, in order."""
  return [json.loads(line) for line in (workdir / 'metrics.jsonl').read_text().splitlines()]


def metrics_without_time(workdir: Path) -> list[dict]:
  """metrics.jsonl without the wall time, which no two runs share: for comparing runs."""
  return [{k: v for k, v in record.items() if k != 'train_seconds'}
          for record in metrics(workdir)]


def training_data(**settings):
  """The training batches of a Config of these settings, and its task."""
  config = Config(**settings).validate()
  task = config.get_task()
  return TrainingData(config, task, curricula.build(config, task)), task


def record_errors(trainer, error):
  """The trainer's curriculum window full of one error rate, as if every recent step had
  had it: drives the curriculum without training."""
  trainer.state.recent_errors.assign(tf.fill([CURRICULUM_WINDOW], float(error)))
