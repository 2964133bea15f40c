"""One DNGPU training-step measurement in a process of its own (the thread pools are
fixed per process):
    python -m benchmarks.dngpu_step --repeats=5 --config='{...}'
prints one JSON line: the median seconds of a step of every bin."""
import json
import os

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '1')
# pylint: disable=wrong-import-position
from absl import app, flags

from benchmarks import measure
from neuralgpu.config import Config
# pylint: enable=wrong-import-position

flags.DEFINE_integer('repeats', 5, 'Timed steps after the warm-up steps.')
flags.DEFINE_string('config', '{}', 'Config fields as JSON.')
FLAGS = flags.FLAGS


def main(_):
  config = Config(**json.loads(FLAGS.config)).validate()
  seconds = measure.train_step_seconds(config, config.max_length, FLAGS.repeats)
  print(json.dumps({'seconds_per_step': seconds}))


if __name__ == '__main__':
  app.run(main)
