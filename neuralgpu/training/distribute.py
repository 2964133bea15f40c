"""Data-parallel training of one run with tf.distribute.

--strategy=mirrored: the devices of this machine (its GPUs; without GPUs, its CPU split
into --cpu_devices logical devices). --strategy=multiworker: every worker named in the
standard TF_CONFIG runs the same command; worker 0 is the chief and writes the workdir,
worker N writes WORKDIR/workerN (its own checkpoints, as every worker must save).

Every replica computes the gradient of its slice of the global batch (--batch_size is
the global batch); the mean is applied on every replica alike, so the run follows the
single-device run up to the order of floating-point sums (and the dropout masks, drawn
per replica).
"""
import functools
import json
import os
import re
from pathlib import Path


STRATEGIES = ('none', 'mirrored', 'multiworker')


def cluster():
  """(worker index, number of workers) from TF_CONFIG; ValueError if it is unusable."""
  text = os.environ.get('TF_CONFIG')
  if not text:
    raise ValueError('--strategy=multiworker needs TF_CONFIG, e.g. {"cluster": {"worker": '
                     '["host1:port", "host2:port"]}, "task": {"type": "worker", '
                     '"index": 0}} (the same cluster on every worker, each its own index)')
  try:
    spec = json.loads(text)
    workers, task = spec['cluster']['worker'], spec['task']
    index = int(task['index'])
    if task['type'] != 'worker' or not 0 <= index < len(workers):
      raise ValueError
  except (ValueError, KeyError, TypeError):
    raise ValueError(f'TF_CONFIG={text!r} is not valid; give {{"cluster": {{"worker": '
                     '[HOST:PORT, ...]}, "task": {"type": "worker", "index": I}} with I '
                     'one of the workers') from None
  return index, len(workers)


def is_chief(config) -> bool:
  return config.strategy != 'multiworker' or cluster()[0] == 0


def worker_workdir(workdir: Path, config) -> Path:
  """Where this process writes: the workdir, or for a non-chief worker its own part."""
  return Path(workdir) if is_chief(config) else Path(workdir) / f'worker{cluster()[0]}'


def visible_gpus() -> int:
  """The NVIDIA GPUs this process may use, found without starting TensorFlow (whose
  start-up lines would bury a one-line error)."""
  devices = [d for d in os.listdir('/dev') if re.fullmatch(r'nvidia\d+', d)] if Path(
      '/dev').is_dir() else []
  visible = os.environ.get('CUDA_VISIBLE_DEVICES')
  if visible is not None:
    return min(len(devices), len([d for d in visible.split(',') if d.strip()]))
  return len(devices)


def check(config, gpus: int) -> None:
  """ValueError if the strategy cannot run on `gpus` GPUs: TF_CONFIG, or a global batch
  that does not split evenly over the replicas."""
  if config.strategy == 'none':
    return
  if config.strategy == 'mirrored':
    count = gpus or config.cpu_devices
  else:
    count = cluster()[1] * max(gpus, 1)
  if config.batch_size % count:
    raise ValueError(f'--batch_size={config.batch_size} does not split over the {count} '
                     f'replicas of --strategy={config.strategy}; give a multiple of {count}')


@functools.cache
def strategy(name: str, cpu_devices: int):
  """The tf.distribute strategy (None for 'none'), made once per process: TensorFlow
  allows one multi-worker strategy, made before other work."""
  if name == 'none':
    return None
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  if name == 'multiworker':
    return tf.distribute.MultiWorkerMirroredStrategy()
  if tf.config.list_physical_devices('GPU'):
    return tf.distribute.MirroredStrategy()
  cpu = tf.config.list_physical_devices('CPU')[0]
  try:
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * cpu_devices)
  except RuntimeError:  # TensorFlow already started in this process
    pass
  devices = [d.name for d in tf.config.list_logical_devices('CPU')]
  if len(devices) < cpu_devices:
    raise ValueError(f'--cpu_devices={cpu_devices}: TensorFlow started in this process '
                     f'with {len(devices)} CPU device(s) before the split; make the '
                     'trainer first in a new process')
  return tf.distribute.MirroredStrategy(devices[:cpu_devices])


def replica_slice(inputs):
  """This replica's part of a global batch (inside strategy.run)."""
  import tensorflow as tf  # pylint: disable=import-outside-toplevel
  context = tf.distribute.get_replica_context()
  share = tf.shape(inputs)[0] // context.num_replicas_in_sync
  start = context.replica_id_in_sync_group * share
  return inputs[start:start + share]
