"""Every registered task as a TensorFlow Datasets dataset, generated locally.

    import tasks.tfds_builder  # registers all tasks, and any registered later
    ds = tfds.load('badd/paper', split='test')

Each builder config fixes the lengths and sizes of three splits: `train` and
`validation` take every length the task accepts up to `train_max_length`, `test` takes
`test_lengths` (each rounded down to the nearest length the task accepts). The examples
of (task, split, length) come from `tasks.split_rng(task, split, length, seed)`, so they
equal `task.sample(split_rng(...), per_length, length)` exactly, in order.
Bump VERSION whenever a change to a task alters what it generates.
"""
import dataclasses

import numpy as np
import tensorflow_datasets as tfds

from tasks import registry
from tasks.splits import split_rng


@dataclasses.dataclass
class LengthSplits(tfds.core.BuilderConfig):
  train_max_length: int = 21
  test_lengths: tuple[int, ...] = ()
  train_per_length: int = 100
  test_per_length: int = 100
  seed: int = 0


CONFIGS = [
    LengthSplits(
        name='paper', description='Kaiser & Sutskever: train on lengths <= 41 (20-digit '
        'operands), test far beyond, up to 2,001 (1,000-digit operands).',
        train_max_length=41, test_lengths=(41, 81, 201, 401, 2001),
        train_per_length=1000, test_per_length=100),
    LengthSplits(
        name='small', description='Train on lengths <= 21, test up to 101.',
        train_max_length=21, test_lengths=(21, 41, 101),
        train_per_length=200, test_per_length=50),
    LengthSplits(
        name='tiny', description='A few examples for quick checks and tests.',
        train_max_length=9, test_lengths=(15, 21),
        train_per_length=8, test_per_length=8),
]


class TaskDataset(tfds.core.GeneratorBasedBuilder, skip_registration=True):
  """Serves one task's fixed splits; one subclass per task, named after it."""

  VERSION = tfds.core.Version('1.0.0')
  RELEASE_NOTES = {'1.0.0': 'First release.'}
  BUILDER_CONFIGS = CONFIGS
  task_name: str

  def _info(self):
    task = registry.get(self.task_name)
    sequence = tfds.features.Tensor(shape=(None,), dtype=np.int32)
    return self.dataset_info_from_configs(
        description=f'{task!r}: vocab {" ".join(task.vocab)} (id 0 is padding).',
        features=tfds.features.FeaturesDict(
            {'inputs': sequence, 'targets': sequence, 'length': np.int32}),
        supervised_keys=('inputs', 'targets'),
        disable_shuffling=True)  # keep generation order, so splits compare to sample()

  def _split_generators(self, dl_manager):
    del dl_manager  # nothing to download: examples are generated
    return {split: self._generate_examples(split, lengths, per_length)
            for split, (lengths, per_length) in self.split_lengths().items()}

  def split_lengths(self) -> dict[str, tuple[list[int], int]]:
    """split -> (lengths, examples per length) for this task and config."""
    task, config = registry.get(self.task_name), self.builder_config
    train = task.lengths(task.min_length, config.train_max_length)
    test = sorted({task.longest_length(length)
                   for length in config.test_lengths if length >= task.min_length})
    return {'train': (train, config.train_per_length),
            'validation': (train, config.test_per_length),
            'test': (test, config.test_per_length)}

  def _generate_examples(self, split, lengths, per_length):
    task, seed = registry.get(self.task_name), self.builder_config.seed
    for length in lengths:
      inputs, targets = task.sample(split_rng(task.name, split, length, seed),
                                    per_length, length)
      for i, (x, y) in enumerate(zip(inputs, targets)):
        yield f'{length:07d}-{i:07d}', {'inputs': x, 'targets': y, 'length': length}


def _register_dataset(task) -> None:
  if task.name in tfds.list_builders(with_community_datasets=False):
    raise ValueError(f'task name {task.name!r} is taken by a TensorFlow Datasets '
                     'dataset; pick another name')
  # Defining the subclass registers it with TFDS under `name`.
  type(f'TaskDataset_{task.name}', (TaskDataset,),
       {'name': task.name, 'task_name': task.name, '__module__': __name__,
        '__doc__': f'The {task.name} task as fixed splits.'})


registry.on_register(_register_dataset)
