"""run.py as a user meets it before any training: flags, examples, one-line errors."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
  return subprocess.run([sys.executable, str(ROOT / 'run.py'), *args], capture_output=True,
                        text=True, cwd=ROOT, timeout=120)


def test_helpfull_lists_every_hyperparameter_flag():
  result = run('--helpfull')
  assert result.returncode == 0
  for flag in ('maps', 'height', 'kernel_width', 'kernel_height', 'layers', 'cutoff',
               'dropout', 'grad_noise', 'batch_size', 'lr', 'task', 'model', 'workdir',
               'seed', 'max_steps', 'experiment', 'flagfile', 'relax_sets', 'hard_gates',
               'diagonal_gates', 'saturation_cost', 'jit', 'mode', 'input', 'rnn_form',
               'units', 'bidirectional', 'max_grad_norm', 'lr_half_life', 'early_stopping'):
    assert f'--{flag}:' in result.stdout or f'--[no]{flag}:' in result.stdout, flag


def test_examples_mode_prints_decoded_examples_of_the_task():
  result = run('--mode=examples', '--task=bmul', '--max_length=10')
  assert result.returncode == 0, result.stderr
  lines = result.stdout.splitlines()
  assert lines[0] == 'bmul, length 9, seed 0:'  # the longest length bmul takes <= 10
  for line in lines[1:]:
    question, answer = line.split('  ->  ')
    a, b = question.strip().split('*')
    assert int(a, 2) * int(b, 2) == int(answer, 2)
  assert len(lines) == 6


@pytest.mark.parametrize('args, must_mention', [
    (['--task=nosuch'], ['--task', 'nosuch', 'badd', 'sort']),
    (['--height=0'], ['--height=0', '>= 1']),
    (['--maps=0'], ['--maps=0', '>= 1']),
    (['--cutoff=0.9'], ['--cutoff=0.9', '>= 1.0']),
    (['--dropout=1.0'], ['--dropout=1.0', '>= 0.0 and < 1.0']),
    (['--dropout=-0.1'], ['--dropout=-0.1']),
    (['--hard_fraction=1.5'], ['--hard_fraction=1.5', '>= 0.0 and <= 1.0']),
    (['--model=lstm9'], ['--model=lstm9', 'ngpu']),
    (['--experiment=nosuch'], ['nosuch', 'smoke']),
    (['--min_length=4', '--max_length=4'], ['--min_length=4', 'badd']),
    (['--max_length=2'], ['--max_length=2', '--min_length=3']),
    (['--eval_lengths=41,40'], ['--eval_lengths', '40']),
    (['--eval_lengths=4x'], ['--eval_lengths', '4x']),
    (['--maps=abc'], ['--maps', 'abc']),
    (['--nosuchflag'], ['nosuchflag']),
    (['stray'], ['stray', '--flag']),
    (['--mode=decode', '--input=1+1'], ['--workdir']),
    (['--model=lstm'], ['--experiment=smoke', '--maps', '--model=ngpu', 'badd_lstm']),
    (['--units=64'], ['--units', '--model=lstm', 'not of --model=ngpu']),
    (['--experiment=badd_gru', '--cutoff=1.5'], ['--cutoff', '--model=ngpu', '--model=gru']),
    (['--experiment=badd_lstm', '--bidirectional'], ['--bidirectional', '--rnn_form=seq2seq']),
    (['--experiment=badd_gru', '--rnn_form=attention'], ['--rnn_form', 'seq2seq']),
])
def test_impossible_settings_stop_before_any_work(tmp_path, args, must_mention):
  workdir = tmp_path / 'never'
  result = run('--experiment=smoke', f'--workdir={workdir}', *args)
  assert result.returncode == 2
  assert result.stdout == ''
  assert len(result.stderr.strip().splitlines()) == 1, result.stderr
  for word in must_mention:
    assert word in result.stderr, (word, result.stderr)
  assert not workdir.exists()


def test_workdir_that_is_a_file_is_refused_and_kept(tmp_path):
  path = tmp_path / 'file'
  path.write_text('keep me')
  result = run('--experiment=smoke', f'--workdir={path}')
  assert result.returncode == 2 and 'is a file' in result.stderr
  assert path.read_text() == 'keep me'


def test_decode_needs_a_trained_workdir(tmp_path):
  result = run('--mode=decode', f'--workdir={tmp_path}', '--input=1+1')
  assert result.returncode == 2 and 'no training run' in result.stderr
