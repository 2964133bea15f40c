"""The line a training run of run.py starts with (experiments/start_line.py): the
preset, the workdir, what it will do, its measured time, how to evaluate it."""
import re
from pathlib import Path

import pytest

from experiments import presets, start_line


@pytest.mark.parametrize('name', sorted(presets.PRESETS))
def test_every_preset_has_a_measured_time_whose_numbers_are_its_docstrings(name):
  doc = ' '.join(presets.PRESETS[name].__doc__.split())
  for number in re.findall(r'\d[\d,.]*\d|\d', start_line.MEASURED[name]):
    assert re.search(rf'(?<![\d,.]){re.escape(number)}(?![\d,])', doc), (name, number)


def line(name, given=None, workdir=None):
  config = presets.config(name, given or {})
  return start_line.start_line(name, config,
                               workdir or presets.default_workdir(name, given or {}),
                               presets.earlier_stages(config))


def test_the_default_run_says_what_it_trains_where_for_how_long_and_how_to_test_it():
  assert presets.DEFAULT == 'badd_dngpu_two_stage'
  assert presets.default_workdir(presets.DEFAULT, {}) == Path('workdirs/badd_dngpu_two_stage')
  assert line(presets.DEFAULT) == (
      "training badd_dngpu_two_stage (binary addition: badd_dngpu_structured, then "
      "badd_dngpu_long from its best: not DNGPU's) in workdirs/badd_dngpu_two_stage: first "
      "badd_dngpu_structured in workdirs/badd_dngpu_two_stage/start (until solved, at most "
      "20,000 steps at lengths up to 41), then from its best weights 1,200 steps at lengths "
      "up to 81; measured: 1.8-3.0 hours of training, both stages, on one thread beside "
      "another run (seeds 0-2); then tested at lengths 81, 801; test it longer with "
      "python run.py --mode=eval --workdir=workdirs/badd_dngpu_two_stage "
      "--eval_lengths=2001 --eval_examples=16")


def test_a_measured_time_is_quoted_only_for_the_settings_it_was_measured_with():
  assert 'measured: 7 s' in line('smoke', {'seed': 3, 'log_every': 5})
  changed = line('smoke', {'max_steps': 4, 'maps': 6})
  assert '; no measured time with --max_steps, --maps changed from the preset;' in changed
  assert 'until solved, at most 4 steps at lengths up to 9' in changed
  later = line('bmul_dngpu_three_stage', {'start_from': 'results/two_stage'})
  assert ("measured: about 2.1 hours on 2 cores for the first stage, about 4,000 s for the "
          "second on one thread, 2,240 and 2,268 s for the third (seeds 0 and 1) on one "
          "thread each, side by side (this run trains the last stage alone, from "
          "results/two_stage);") in later
  assert '; no measured time with --start_from changed' in line(
      'bmul_dngpu', {'start_from': 'results/two_stage'})  # not a later stage: all of it
  assert '; no measured time with --max_steps changed' in line(
      'bmul_dngpu_three_stage', {'start_from': 'results/two_stage', 'max_steps': 5})
  assert '1,200 steps or 0.5 hours' in line('badd_dngpu_long', {'max_steps': 1200,
                                                                'max_hours': 0.5,
                                                                'stop_when_solved': False})


def test_a_workdir_holding_checkpoints_is_resumed(tmp_path):
  assert line('smoke', workdir=tmp_path).startswith('training smoke (a few steps')
  (tmp_path / 'checkpoints').mkdir()
  assert line('smoke', workdir=tmp_path).startswith('resuming smoke (a few steps')
  (tmp_path / 'checkpoints').rmdir()
  (tmp_path / 'start' / 'checkpoints').mkdir(parents=True)  # a first stage under way
  (tmp_path / 'start' / 'config.json').touch()  # written before its first checkpoint
  assert line('smoke', workdir=tmp_path).startswith('resuming smoke')
  (tmp_path / 'start' / 'checkpoints').rmdir()
  (tmp_path / 'start' / 'start' / 'checkpoints').mkdir(parents=True)  # the stage before it
  (tmp_path / 'start' / 'start' / 'config.json').touch()
  assert line('bmul_dngpu_three_stage', workdir=tmp_path).startswith('resuming')
  # A stored run resumed names no stages before it; its own config.json files find them.
  assert start_line.start_line('parked/x', presets.config('smoke'), tmp_path,
                               stored=True).startswith('resuming')


def test_a_run_of_three_stages_names_each_stage_earliest_first():
  assert ('in workdirs/bmul_dngpu_three_stage: first bmul_dngpu_full_schedule in '
          'workdirs/bmul_dngpu_three_stage/start/start (20,000 steps at lengths up to 41), '
          'then bmul_dngpu_two_stage_varied in workdirs/bmul_dngpu_three_stage/start (1,200 '
          'steps at lengths up to 81), then from its best weights 200 steps at lengths up to '
          '161;') in line('bmul_dngpu_three_stage')


def test_a_run_resumed_from_a_stored_run_names_it_and_claims_no_time(tmp_path):
  text = start_line.start_line('results/badd_x', presets.config('smoke'), tmp_path,
                               stored=True)
  assert text.startswith(f'training the stored run results/badd_x in {tmp_path}: until '
                         'solved, at most 20 steps')
  assert '; no measured time for a resumed run;' in text
