"""Where a bmul_dngpu training step spends its time, by kind of operation, from a
TensorFlow profiler trace of a few steps:
    python -m benchmarks.profile_step [--steps=3] [--op_threads=0] [--compute_dtype=float32]
prints each operation type's share of the busy time of the operation threads, forward
and backward (gradient) apart, and how many operations a step runs."""
import collections
import os
import tempfile
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
# pylint: disable=wrong-import-position
from absl import app, flags

from experiments import presets
# pylint: enable=wrong-import-position

flags.DEFINE_integer('steps', 3, 'Steps traced, after 2 warm-up steps.')
flags.DEFINE_integer('op_threads', 0, 'As run.py\'s --op_threads.')
flags.DEFINE_enum('compute_dtype', 'float32', ['float32', 'bfloat16'], 'Convolutions in.')
flags.DEFINE_integer('top', 25, 'Operation kinds listed.')
FLAGS = flags.FLAGS


def trace(steps: int, logdir: str) -> Path:
  """Traces `steps` training steps into logdir; the path of its XSpace file."""
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  from neuralgpu.training.train import Trainer  # pylint: disable=import-outside-toplevel
  config = presets.config('bmul_dngpu', {'op_threads': FLAGS.op_threads,
                                         'compute_dtype': FLAGS.compute_dtype})
  trainer = Trainer(config, tempfile.mkdtemp())
  parts, _ = trainer.data.batch(0, config.max_length)
  args = (parts, tf.constant([config.seed, 0]), config.lr, 0.0)
  for _ in range(2):
    float(trainer.train_step(*args)['loss'])
  tf.profiler.experimental.start(logdir)
  for _ in range(steps):
    float(trainer.train_step(*args)['loss'])
  tf.profiler.experimental.stop()
  return next(Path(logdir).glob('**/*.xplane.pb'))


def busy_seconds(path: Path) -> collections.Counter:
  """(operation type, 'forward' or 'backward') -> seconds on the operation threads."""
  from tensorflow.tsl.profiler.protobuf import xplane_pb2  # pylint: disable=import-outside-toplevel
  space = xplane_pb2.XSpace()
  space.ParseFromString(path.read_bytes())
  seconds = collections.Counter()
  for plane in space.planes:
    for line in plane.lines:
      if not line.name.startswith('tf_Compute'):  # the threads that run operations
        continue
      for event in line.events:
        meta = plane.event_metadata[event.metadata_id]
        if ':' not in meta.name or '::' in meta.name:  # 'name:Type'; not the executor's own
          continue
        backward = 'gradient' in meta.name.lower() or 'Backprop' in meta.display_name
        seconds[(meta.display_name, 'backward' if backward else 'forward')] += (
            event.duration_ps / 1e12)
  return seconds


def main(_):
  with tempfile.TemporaryDirectory() as logdir:
    seconds = busy_seconds(trace(FLAGS.steps, logdir))
  total = sum(seconds.values())
  print(f'{total / FLAGS.steps:.3f} s of operation-thread time a step; by kind:')
  for (kind, direction), value in seconds.most_common(FLAGS.top):
    print(f'  {kind:48s} {direction:8s} {100 * value / total:5.1f}%')


if __name__ == '__main__':
  app.run(main)
