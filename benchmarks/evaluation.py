"""One evaluation measurement in a process of its own (peak memory is per process):
    python -m benchmarks.evaluation --length=4001 --examples=2 --config='{...}'
prints one JSON line: seconds per example, batch size, resident memory before and at
the peak."""
import json
import os
import resource
import time
from pathlib import Path


os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '1')
# pylint: disable=wrong-import-position
import numpy as np
from absl import app, flags

from neuralgpu import model_registry, threads
from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate
from neuralgpu.models.base import predictor


# pylint: enable=wrong-import-position

flags.DEFINE_integer('length', None, 'Input length.', required=True)
flags.DEFINE_integer('examples', 1, 'Examples to time.')
flags.DEFINE_string('config', '{}', 'Config fields as JSON.')
FLAGS = flags.FLAGS


def peak_mib() -> float:
  """This process's peak resident memory. Linux's VmHWM, not getrusage's ru_maxrss: that
  one carries over the high-water mark of the parent process across fork and exec."""
  status = Path('/proc/self/status')
  if status.exists():
    for line in status.read_text().splitlines():
      if line.startswith('VmHWM:'):
        return int(line.split()[1]) / 1024  # kB
  return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(_):
  config = Config(**json.loads(FLAGS.config)).validate()
  threads.configure(config)  # as a run of this configuration evaluates
  task = config.get_task()
  predict = predictor(model_registry.build(config, len(task.vocab)))
  short = task.sample(np.random.default_rng(0), 1, task.min_length)[0]
  predict(short)  # traces once; the same graph serves every length
  before = peak_mib()
  inputs, _ = task.sample(np.random.default_rng(1), FLAGS.examples, FLAGS.length)
  batch = evaluate.batch_size(config, FLAGS.length)
  start = time.perf_counter()
  evaluate.predict_all(predict, inputs, batch)
  seconds = time.perf_counter() - start
  print(json.dumps({'length': FLAGS.length, 'examples': FLAGS.examples, 'batch': batch,
                    'seconds_per_example': seconds / FLAGS.examples,
                    'memory_before_mib': round(before, 1),
                    'peak_memory_mib': round(peak_mib(), 1)}))


if __name__ == '__main__':
  app.run(main)
