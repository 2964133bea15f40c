"""Every preset is a valid experiment that documents itself; run.py lists them."""
import re
import subprocess
import sys

import pytest

from experiments import presets
from neuralgpu import lengths
from support import ROOT


@pytest.mark.parametrize('name', sorted(presets.PRESETS))
def test_every_preset_builds_a_valid_config_and_gives_its_command(name):
  settings = presets.get(name)
  config = presets.config(name)
  for key, value in settings.items():
    assert getattr(config, key) == value
  doc = presets.PRESETS[name].__doc__
  command = 'python run.py' + ('' if name == presets.DEFAULT else f' --experiment={name}')
  assert command in doc, doc
  assert re.search(r'\d s\b|\d seconds|hours', doc), f'{name}: no runtime in {doc}'


def test_an_unknown_setting_is_named_whether_given_or_in_a_users_preset(monkeypatch):
  with pytest.raises(ValueError, match="unknown setting 'colour'; the settings"):
    presets.config('smoke', {'colour': 1})
  monkeypatch.setitem(presets.PRESETS, 'mine', lambda: dict(task='badd', mpas=8))
  with pytest.raises(ValueError, match="unknown setting 'mpas' in --experiment=mine"):
    presets.config('mine', {'maps': 8})


def test_the_presets_the_papers_call_for_are_there():
  assert {'badd', 'bmul', 'badd_dngpu', 'bmul_dngpu', 'mul_bases', 'badd_lstm',
          'badd_gru', 'bmul_lstm', 'bmul_gru', 'smoke'} <= set(presets.PRESETS)
  assert presets.get('mul_bases')['task'] == 'mul_bases'


def test_the_dngpu_presets_are_the_settings_of_dngpu_trainer_py():
  """DNGPU_trainer.py: bmul 96 maps, keep 0.9; badd 48 maps, keep 0.5; bins 8..41 of 32
  examples; 10,000 examples per length; DNGPU_model.py: lr 0.01 · 48 / maps."""
  bmul, badd = (presets.config(name) for name in ('bmul_dngpu', 'badd_dngpu'))
  assert (bmul.task, bmul.maps, bmul.dropout, bmul.target_form) == (
      'bmul', 96, 0.1, 'zero_filled')
  assert (badd.task, badd.maps, badd.dropout, badd.target_form) == ('badd', 48, 0.5, 'padded')
  assert bmul.lr == pytest.approx(0.005) and badd.lr == pytest.approx(0.01)
  for config in (bmul, badd):
    assert lengths.bins(config) == [8, 12, 16, 20, 25, 28, 31, 36, 41]
    assert (config.model, config.layers, config.batch_size, config.train_pool) == (
        'dngpu', 1, 32, 10000)
    assert (config.optimizer, config.max_grad_norm, config.lr_noise) == ('adamax', 0, 1e-4)
    assert (config.lr_schedule, config.lr_decay, config.lr_floor) == (
        'training_plateau', 0.7, pytest.approx(1 / 60))
    assert (config.curriculum, config.roll_back, config.hard_fraction) == ('none', False, 0)
    assert (config.saturation_limit, config.saturation_weight) == (0.9, 1e-3)


def test_badd_dngpu_structured_differs_from_badd_dngpu_in_target_and_data_only():
  """The settings of the sweep in docs/results.md: badd_dngpu with
  --target_form=zero_filled --hard_fraction=0.5 --hard_sampler=structured."""
  ours, dngpu = presets.config('badd_dngpu_structured'), presets.config('badd_dngpu')
  assert set(ours.differing(dngpu, ignore=())) == {'target_form', 'hard_fraction',
                                                   'hard_sampler'}
  assert (ours.target_form, ours.hard_fraction, ours.hard_sampler) == (
      'zero_filled', 0.5, 'structured')


def test_badd_dngpu_long_adds_two_longer_bins_to_badd_dngpu_structured():
  ours = presets.config('badd_dngpu_long')
  structured = presets.config('badd_dngpu_structured')
  assert set(ours.differing(structured, ignore=())) == {'bins', 'max_length'}
  assert lengths.bins(ours) == lengths.bins(structured) + [61, 81]


def test_badd_dngpu_two_stage_is_badd_dngpu_long_after_badd_dngpu_structured():
  ours, long = presets.config('badd_dngpu_two_stage'), presets.config('badd_dngpu_long')
  assert ours.start_from_preset == 'badd_dngpu_structured'
  assert set(ours.differing(long, ignore=())) == {
      'start_from_preset', 'lr', 'stop_when_solved', 'max_steps', 'weight_average',
      'validate_suites', 'select_length'}
  assert presets.earlier_stages(ours) == (presets.config('badd_dngpu_structured'),)


def test_experiment_list_prints_one_line_per_preset():
  result = subprocess.run([sys.executable, str(ROOT / 'run.py'), '--experiment=list'],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
  assert result.returncode == 0, result.stderr
  lines = result.stdout.strip().splitlines()
  assert [line.split()[0] for line in lines] == list(presets.PRESETS)
  assert all(len(line.split()) > 3 for line in lines)  # a name and what it is


def test_default_workdirs_are_named_by_the_settings_that_change_the_preset():
  def named(given, name='badd'):
    return str(presets.default_workdir(name, given))
  assert named({}) == named({'hard_fraction': 0.5, 'max_steps': 12000}) == 'workdirs/badd'
  assert named({'seed': 1}) == 'workdirs/badd_seed=1'
  assert named({'model': 'lstm', 'seed': 0, 'roll_back': False, 'track_lengths': '41'}) == (
      'workdirs/badd_model=lstm_roll_back=false')
  assert named({'maps': 96}, 'bmul_dngpu') == 'workdirs/bmul_dngpu'


def test_bmul_dngpu_two_stage_trains_bmul_dngpu_on_longer_bins_after_the_full_schedule():
  ours, bmul = presets.config('bmul_dngpu_two_stage'), presets.config('bmul_dngpu')
  assert ours.start_from_preset == 'bmul_dngpu_full_schedule'
  assert set(ours.differing(bmul, ignore=())) == {
      'bins', 'max_length', 'start_from_preset', 'lr', 'stop_when_solved', 'max_steps',
      'weight_average', 'validate_suites', 'select_length'}
  assert lengths.bins(ours) == lengths.bins(bmul) + [61, 81]
  assert (ours.lr, ours.max_steps, ours.select_length) == (0.001, 1200, 2001)


@pytest.mark.parametrize('name, sampler', [('bmul_dngpu_two_stage_structured', 'structured'),
                                           ('bmul_dngpu_two_stage_varied', 'varied_lengths')])
def test_the_second_stage_arms_differ_from_two_stage_in_their_training_data_only(name, sampler):
  ours = presets.config(name)
  plain = presets.config('bmul_dngpu_two_stage')
  assert set(ours.differing(plain, ignore=())) == {'hard_fraction', 'hard_sampler'}
  assert (ours.hard_fraction, ours.hard_sampler) == (0.5, sampler)
  # The same first stage, so any of these presets' first stages serves all.
  assert presets.earlier_stages(ours) == presets.earlier_stages(plain)


def test_bmul_dngpu_three_stage_trains_the_varied_second_stage_on_to_length_161():
  ours = presets.config('bmul_dngpu_three_stage', {'seed': 2})
  varied = presets.config('bmul_dngpu_two_stage_varied', {'seed': 2})
  assert set(ours.differing(varied, ignore=())) == {
      'start_from_preset', 'bins', 'max_length', 'max_steps', 'eval_every', 'select_length'}
  assert lengths.bins(ours) == lengths.bins(varied) + [161]
  assert (ours.max_length, ours.max_steps, ours.select_length) == (161, 200, 0)
  # Three stages: the full schedule, the varied second stage, then this one.
  assert presets.earlier_stages(ours) == (varied, *presets.earlier_stages(varied))
  # From a stored second stage instead, given --start_from.
  given = presets.config('bmul_dngpu_three_stage',
                         {'start_from': 'results/bmul_dngpu_two_stage_varied_seed0'})
  assert (given.start_from_preset, presets.earlier_stages(given)) == ('', ())


def test_the_first_stage_arm_differs_from_the_reference_schedule_in_its_data_only():
  ours = presets.config('bmul_dngpu_full_schedule_structured')
  reference = presets.config('bmul_dngpu_full_schedule')
  assert set(ours.differing(reference, ignore=())) == {'hard_fraction', 'hard_sampler'}
  assert (ours.hard_fraction, ours.hard_sampler, ours.max_steps) == (0.5, 'structured', 20000)


def test_the_third_stage_arm_differs_from_three_stage_in_its_hard_inputs_only():
  ours = presets.config('bmul_dngpu_three_stage_structured')
  plain = presets.config('bmul_dngpu_three_stage')
  assert ours.differing(plain, ignore=()) == ['hard_sampler']
  assert (ours.hard_fraction, ours.hard_sampler) == (0.5, 'structured')
  assert presets.earlier_stages(ours) == presets.earlier_stages(plain)


def test_the_more_steps_arm_differs_from_three_stage_in_its_recurrent_steps_only():
  ours = presets.config('bmul_dngpu_three_stage_more_steps')
  plain = presets.config('bmul_dngpu_three_stage')
  assert set(ours.differing(plain, ignore=())) == {'train_step_factors', 'eval_step_factor'}
  assert (ours.train_step_factors, ours.eval_step_factor) == ('1,2', 2)
  assert presets.earlier_stages(ours) == presets.earlier_stages(plain)


@pytest.mark.parametrize('name, plain', [
    ('bmul_dngpu_structured_two_stage', 'bmul_dngpu_two_stage_varied'),
    ('bmul_dngpu_structured_three_stage', 'bmul_dngpu_three_stage_more_steps')])
def test_the_structured_chain_differs_from_its_plain_arm_in_the_stage_it_starts_from(name, plain):
  ours, theirs = presets.config(name, {'seed': 1}), presets.config(plain, {'seed': 1})
  assert ours.differing(theirs, ignore=()) == ['start_from_preset']
  ours_before, theirs_before = presets.earlier_stages(ours), presets.earlier_stages(theirs)
  assert ours_before[-1] == presets.config('bmul_dngpu_full_schedule_structured', {'seed': 1})
  # Stage by stage, nearest first: the stages between differ in where they start from, the
  # first stage in its half of structured products.
  assert [set(mine.differing(plain_stage, ignore=()))
          for mine, plain_stage in zip(ours_before, theirs_before, strict=True)] == (
      [{'start_from_preset'}] * (len(ours_before) - 1) + [{'hard_fraction', 'hard_sampler'}])
