"""Every length a run names comes from neuralgpu/lengths.py."""
import pytest

from neuralgpu import lengths
from neuralgpu.config import Config


@pytest.mark.parametrize('task', ['badd', 'bmul'])
def test_the_multiples_of_the_training_length(task):
  config = Config(task=task, max_length=41).validate()
  assert [lengths.scaled(config, k) for k in (1, 2, 10, 100)] == [41, 81, 401, 4001]
  assert lengths.far(config) == 401
  assert lengths.beyond(config) == 83  # the first past twice the training length
  assert lengths.to_report(config) == [41, 401]


def test_lengths_of_the_flags_are_checked_before_any_work():
  for flag, given, bad in (('eval_lengths', '41,400', 400), ('track_lengths', '40', 40),
                           ('select_length', 2000, 2000), ('max_length', 40, 40)):
    with pytest.raises(ValueError, match=f'^--{flag}: badd cannot take length {bad}; valid '
                       r'lengths are 3, 5, 7, \.\.\. \(step 2\)$'):
      Config(task='badd', **{flag: given}).validate()


def test_each_batch_has_one_length_unless_batched_in_bins():
  assert lengths.bins(Config(task='badd').validate()) == []
  binned = Config(task='badd', batching='bins', curriculum='none', bins='9,41').validate()
  assert lengths.bins(binned) == [9, 41]
