"""TFDS: every registered task loads as fixed splits equal to the seeded generator."""
import numpy as np
import pytest
import tensorflow_datasets as tfds

import tasks
import tasks.tfds_builder  # registers the datasets


def load_split(name, split, data_dir):
  dataset = tfds.load(name, split=split, data_dir=data_dir)
  return [{key: value.numpy() for key, value in example.items()}
          for example in dataset]


def assert_split_equals_generator(task, config, split, examples):
  builder = tfds.builder(f'{task.name}/{config}')
  lengths, per_length = builder.split_lengths()[split]
  assert len(examples) == len(lengths) * per_length
  for n, length in enumerate(lengths):
    inputs, targets = task.sample(
        tasks.split_rng(task.name, split, length, builder.builder_config.seed),
        per_length, length)
    chunk = examples[n * per_length:(n + 1) * per_length]
    assert all(example['length'] == length for example in chunk)
    np.testing.assert_array_equal(np.stack([e['inputs'] for e in chunk]), inputs)
    np.testing.assert_array_equal(np.stack([e['targets'] for e in chunk]), targets)


@pytest.mark.parametrize('name', ['badd', 'duplicate'])
def test_splits_load_and_equal_the_generator(name, tmp_path):
  task = tasks.get(name)
  for split in ('train', 'validation', 'test'):
    examples = load_split(f'{name}/tiny', split, str(tmp_path))
    assert_split_equals_generator(task, 'tiny', split, examples)


def test_splits_are_fixed_and_lengths_follow_the_config():
  builder = tfds.builder('badd/paper')
  splits = builder.split_lengths()
  assert splits['train'][0] == list(range(3, 42, 2))
  assert splits['test'][0] == [41, 81, 201, 401, 2001]
  assert str(builder.info.version) == '1.0.0'
  # Test lengths the task cannot take are rounded down to one it can.
  assert tfds.builder('badd/small').split_lengths()['test'][0] == [21, 41, 101]


def test_train_and_test_examples_differ():
  train = tasks.split_rng('badd', 'train', 21).integers(0, 2**31, 4)
  test = tasks.split_rng('badd', 'test', 21).integers(0, 2**31, 4)
  assert not np.array_equal(train, test)


def test_a_newly_registered_task_appears_with_no_other_change(tmp_path):
  task = tasks.register(tasks.ArithmeticTask('test_tfds_tadd', base=3, op='+'))
  assert 'test_tfds_tadd' in tfds.list_builders(with_community_datasets=False)
  examples = load_split('test_tfds_tadd/tiny', 'test', str(tmp_path))
  assert_split_equals_generator(task, 'tiny', 'test', examples)


def test_a_task_named_like_a_tfds_dataset_is_refused():
  with pytest.raises(ValueError, match='mnist.*taken by a TensorFlow Datasets'):
    tasks.register(tasks.ArithmeticTask('mnist', base=2, op='+'))
  assert 'mnist' not in tasks.names()
