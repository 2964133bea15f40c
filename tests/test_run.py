"""run.py as a user meets it before any training: flags and examples (its refusals of
bad input are in test_bad_input.py)."""
import subprocess
import sys
from support import ROOT


def run(*args):
  return subprocess.run([sys.executable, str(ROOT / 'run.py'), *args], capture_output=True,
                        text=True, cwd=ROOT, timeout=120)


def test_helpfull_lists_every_hyperparameter_flag():
  result = run('--helpfull')
  assert result.returncode == 0
  for flag in ('maps', 'height', 'kernel_width', 'kernel_height', 'layers', 'cutoff',
               'dropout', 'grad_noise', 'batch_size', 'lr', 'task', 'model', 'workdir',
               'seed', 'max_steps', 'experiment', 'flagfile', 'relax_sets', 'jit', 'mode',
               'input', 'rnn_form', 'units', 'bidirectional', 'max_grad_norm',
               'lr_half_life', 'early_stopping', 'saturation_limit', 'saturation_weight',
               'optimizer', 'lr_noise', 'lr_schedule', 'lr_floor', 'roll_back', 'curriculum',
               'batching', 'bins', 'bin_weighting', 'shorter_share', 'train_pool',
               'target_form', 'max_hours', 'hard_sampler'):
    assert f'--{flag}:' in result.stdout or f'--[no]{flag}:' in result.stdout, flag


def test_help_shows_the_presets_defaults_and_the_valid_values_of_each_choice():
  result = run('--experiment=bmul_dngpu', '--helpfull')
  assert result.returncode == 0, result.stderr
  text = ' '.join(result.stdout.split())
  assert "--maps: Feature maps (channels) of the state. (default: '96')" in text
  assert "Valid: ngpu, dngpu, lstm, gru. (default: 'dngpu')" in text
  assert 'Valid: add, badd, bmul, copy' in text.split('--task:')[1]
  assert 'Valid: padded, zero_filled.' in text.split('--target_form:')[1]
  assert ('bmul_dngpu, bmul_dngpu_full_schedule, bmul_dngpu_full_schedule_structured, '
          'bmul_dngpu_structured_three_stage, bmul_dngpu_structured_two_stage, '
          'bmul_dngpu_three_stage, bmul_dngpu_three_stage_more_steps, '
          'bmul_dngpu_three_stage_structured, bmul_dngpu_two_stage, '
          'bmul_dngpu_two_stage_structured, bmul_dngpu_two_stage_varied, bmul_gru'
          in text.split('--experiment:')[1])
  plain = ' '.join(run('--experiment=badd', '--helpfull').stdout.split())
  assert "--maps: Feature maps (channels) of the state. (default: '24')" in plain
  default = ' '.join(run('--helpfull').stdout.split())  # badd_dngpu_two_stage's
  assert "--maps: Feature maps (channels) of the state. (default: '48')" in default


def test_examples_mode_prints_decoded_examples_of_the_task():
  result = run('--mode=examples', '--task=bmul', '--max_length=9')
  assert result.returncode == 0, result.stderr
  lines = result.stdout.splitlines()
  assert lines[0] == 'bmul, length 9, seed 0:'
  for line in lines[1:]:
    question, answer = line.split('  ->  ')
    a, b = question.strip().split('*')
    assert int(a, 2) * int(b, 2) == int(answer, 2)
  assert len(lines) == 6


def test_h_asks_for_help_as_help_does_and_the_default_is_the_readmes_recipe():
  short, long = run('-h'), run('--help')
  assert short.returncode == long.returncode == 0, short.stderr
  assert short.stdout == long.stdout and '--experiment' in short.stdout
  text = ' '.join(short.stdout.split())
  assert "(default: 'badd_dngpu_two_stage')" in text.split('--experiment:')[1]
  assert 'workdirs/badd_dngpu_two_stage_seed=1 for --seed=1' in text
