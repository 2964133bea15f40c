"""How TensorFlow shares this machine's cores: within each operation (intra-op threads)
or between operations that can run side by side (inter-op threads).

A --batching=bins step holds one independent computation per bin. Measured on 2 cores
(AMD EPYC, 2026-12-05, `bmul_dngpu`'s step, intra-op and inter-op threads): 1 and 2
took 0.385 s a step, TensorFlow's default 2 and 2 0.608 s, 2 and 1 0.925 s, 1 and 4
0.429 s. Its thousands of small operations do not split well over cores; the bins do."""
import os

from neuralgpu import lengths


def cores() -> int:
  """The cores this process may use: TF_NUM_INTRAOP_THREADS where a caller (the sweep)
  sized the process that way, else the CPUs it may run on."""
  given = os.environ.get('TF_NUM_INTRAOP_THREADS', '')
  return int(given) if given.isdigit() and int(given) > 0 else len(os.sched_getaffinity(0))


def op_threads(config) -> int:
  """--op_threads, 0 resolved: 1 where a training step has several bins, else every core."""
  if config.op_threads:
    return config.op_threads
  return 1 if len(lengths.bins(config)) > 1 else cores()


def configure(config) -> None:
  """Sets the thread pools before TensorFlow starts its runtime; where it has already
  started (several runs in one process), they stay as the first run set them."""
  import tensorflow as tf  # pylint: disable=import-outside-toplevel  (this module is imported without it)
  per_op = min(op_threads(config), cores())
  try:
    tf.config.threading.set_intra_op_parallelism_threads(per_op)
    tf.config.threading.set_inter_op_parallelism_threads(cores())  # as TensorFlow's default
  except RuntimeError:
    pass  # the runtime is running: its pools can no longer change


def side_by_side() -> int:
  """How many independent computations (evaluation batches) to run at once: one per
  core when each operation runs on one thread, else one."""
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  return cores() if tf.config.threading.get_intra_op_parallelism_threads() == 1 else 1
