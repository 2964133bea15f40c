"""run.py end to end on tiny settings: train, resume, evaluate, decode, visualize (its
refusals of bad input are in test_bad_input.py)."""
import json
import shutil
import signal
import subprocess
import sys
import time

import pytest

import tasks
from neuralgpu.runs import eval_cache
from support import ROOT, metrics


pytestmark = pytest.mark.slow

SMOKE = ['--experiment=smoke']


def run(*args, timeout=300):
  return subprocess.run([sys.executable, str(ROOT / 'run.py'), *args], capture_output=True,
                        text=True, cwd=ROOT, timeout=timeout)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
  workdir = tmp_path_factory.mktemp('run') / 'smoke'
  result = run(*SMOKE, f'--workdir={workdir}')
  assert result.returncode == 0, result.stderr
  return workdir, result.stdout


def test_training_writes_the_workdir_and_reports_accuracy_by_length(trained):
  workdir, stdout = trained
  for name in ('config.json', 'metrics.jsonl', 'checkpoints', 'best', 'eval/table.md'):
    assert (workdir / name).exists(), name
  assert list(workdir.glob('events.out.tfevents.*'))
  assert json.loads((workdir / 'config.json').read_text())['maps'] == 8
  assert '| 9 | 8 |' in stdout and '| 81 | 8 |' in stdout  # max_length, 10x operands
  assert stdout.splitlines()[0].startswith(
      f'training smoke (a few steps at tiny sizes, for tests and for checking an '
      f'installation) in {workdir}: until solved, at most 20 steps at lengths up to 9; '
      "measured: 7 s with TensorFlow's start-up, shared; then tested at lengths 9, 81;")
  assert 'steps/s' in stdout and 'ETA: until solved, at most 10 steps' in stdout
  keys = set().union(*metrics(workdir))
  for key in ('train/loss', 'train/symbol_accuracy', 'train/sequence_accuracy',
              'train/grad_norm', 'lr', 'curriculum_length',
              'validation/curriculum_sequence_accuracy', 'validation/max_symbol_accuracy',
              'validation/beyond_sequence_accuracy', 'probe/2x_sequence_accuracy',
              'probe/10x_symbol_accuracy'):
    assert key in keys, key
  events = b''.join(p.read_bytes() for p in workdir.glob('events.out.tfevents.*'))
  assert b'state/symbol_read_out' in events and b'state/state_norm_all_rows_' in events


def evaluation(directory):
  """results.json without the figures that differ from run to run."""
  data = json.loads((directory / 'results.json').read_text())
  for result in data if isinstance(data, list) else [data]:
    del result['seconds'], result['peak_memory_mib']
  return data


def test_eval_writes_results_table_and_plot_and_repeats_exactly(trained):
  workdir, _ = trained
  own = evaluation(workdir / 'eval')  # training's end: its own lengths 9 and 81
  args = ('--mode=eval', f'--workdir={workdir}', '--eval_lengths=9,17,81',
          '--eval_examples=8')
  first = run(*args)
  assert first.returncode == 0, first.stderr
  assert 'evaluating:' in first.stdout and 'ETA' in first.stdout
  assert '| 81 | 8 |' in first.stdout and 'carry_chain' in first.stdout
  asked = workdir / 'eval_lengths=9,17,81_examples=8'  # other lengths: beside, not over it
  assert f'written to {asked}' in first.stdout and evaluation(workdir / 'eval') == own
  once = evaluation(asked)
  assert [row['length'] for row in once['lengths']] == [9, 17, 81]
  assert once['checkpoint_step'] > 0 and once['seed'] == 0 and once['task'] == 'badd'
  assert set(once['lengths'][2]['suites']) == set(tasks.get('badd').eval_suites(81))
  shown = [(row['length'], suite, failure['input']) for row in once['lengths']
           for suite, scores in row['suites'].items() for failure in scores['failures']]
  assert len(shown) > 3  # the briefly trained model gets suite inputs wrong at 81
  for row in once['lengths']:  # results.json keeps every wrong answer
    for scores in [row, *row['suites'].values()]:
      assert len(scores['failures']) == scores['examples'] - scores['sequences_correct']
  assert first.stdout.count('  wrong at length ') == 3  # the first few are printed
  wrong_random = sum(len(row['failures']) for row in once['lengths'])
  assert f'and {wrong_random + len(shown) - 3} more wrong answers, every one in ' \
      f'{asked / "results.json"}' in first.stdout
  assert '| 17 | 8 |' in (asked / 'table.md').read_text()
  assert (asked / 'generalization.png').stat().st_size > 0
  assert run(*args).returncode == 0
  assert evaluation(asked) == once
  again = run('--mode=eval', f'--workdir={workdir}')  # the run's own lengths and examples
  assert again.returncode == 0 and f'written to {workdir / "eval"}' in again.stdout
  assert evaluation(workdir / 'eval') == own  # written again, the same
  random_only = run('--mode=eval', f'--workdir={workdir}', '--nosuites')
  assert random_only.returncode == 0, random_only.stderr
  assert 'carry_chain' not in random_only.stdout and 'hard suites' not in random_only.stdout
  rows = evaluation(workdir / 'eval_lengths=9,81_examples=8_suites=false')['lengths']
  assert [row['suites'] for row in rows] == [{}, {}]  # beside the own one, not over it
  assert [row['failures'] for row in rows] == [row['failures'] for row in own['lengths']]
  assert evaluation(workdir / 'eval') == own
  longer = run('--mode=eval', f'--workdir={workdir}', '--eval_step_factor=2')
  assert longer.returncode == 0, longer.stderr
  assert evaluation(workdir / 'eval_lengths=9,81_examples=8_step_factor=2')[
      'config']['eval_step_factor'] == 2.0
  assert evaluation(workdir / 'eval') == own  # beside the own one, not over it


def test_eval_of_several_runs_writes_one_table_and_plot(trained, tmp_path):
  workdir, _ = trained
  copy = tmp_path / 'copy'
  shutil.copytree(workdir, copy)
  joint = tmp_path / 'joint'
  result = run('--mode=eval', f'--workdir={workdir},{copy}', '--eval_lengths=9,17',
               '--eval_examples=4', f'--comparison_dir={joint}')
  assert result.returncode == 0, result.stderr
  both = evaluation(joint)
  assert [r['name'] for r in both] == [workdir.name, 'copy']  # names, not paths
  assert both[0]['lengths'] == both[1]['lengths']  # the same model on the same examples
  assert (joint / 'table.md').read_text().count('| copy |') == 2
  assert (joint / 'generalization.png').exists()
  assert (copy / 'eval_lengths=9,17_examples=4' / 'table.md').exists()


def test_runs_of_the_same_name_are_told_apart_by_their_paths():
  from neuralgpu.runs import actions  # pylint: disable=import-outside-toplevel  (TensorFlow)
  assert actions.run_names(['a/badd', 'b/badd', 'c/badd_seed=1']) == [
      'a/badd', 'b/badd', 'badd_seed=1']


def test_visualize_draws_the_state_through_the_steps(trained):
  workdir, _ = trained
  result = run('--mode=visualize', f'--workdir={workdir}', '--input=1011+110')
  assert result.returncode == 0, result.stderr
  assert (workdir / 'visualize.png').stat().st_size > 0


def test_trace_follows_the_state_through_the_steps_at_each_length(trained):
  workdir, _ = trained
  result = run('--mode=trace', f'--workdir={workdir}', '--eval_lengths=9,21',
               '--eval_examples=3')
  assert result.returncode == 0, result.stderr
  assert '| 9 | 3 |' in result.stdout and '| 21 | 3 |' in result.stdout
  traced = json.loads((workdir / 'trace' / 'random' / 'length_21.json').read_text())
  assert traced['steps'] == 21 and len(traced['per_step']) == 22
  assert (workdir / 'trace' / 'random' / 'trace.png').stat().st_size > 0
  suite = run('--mode=trace', f'--workdir={workdir}', '--eval_lengths=9',
              '--suite=all_maximal')
  assert suite.returncode == 0, suite.stderr
  assert '| 9 | 1 |' in suite.stdout  # the suite's one input: 1111 + 1111
  assert (workdir / 'trace' / 'all_maximal' / 'length_9.json').exists()
  # Past the length: ceil(1.5 * 9) steps, traced apart from the run's own.
  longer = run('--mode=trace', f'--workdir={workdir}', '--eval_lengths=9',
               '--eval_examples=3', '--eval_step_factor=1.5')
  assert longer.returncode == 0, longer.stderr
  traced = json.loads((workdir / 'trace' / 'random_step_factor=1.5' / 'length_9.json')
                      .read_text())
  assert traced['steps'] == 14 and len(traced['per_step']) == 15


def test_decode_prints_the_model_answer_beside_the_true_one(trained):
  workdir, _ = trained
  result = run('--mode=decode', f'--workdir={workdir}', '--input=1011+110')
  assert result.returncode == 0, result.stderr
  lines = result.stdout.splitlines()
  assert lines[0] == 'input:  1011+0110'  # operands as wide as in training
  assert lines[1].startswith('model:  ')
  assert lines[2].startswith('true:   10001  (')


def test_a_second_run_resumes_and_a_changed_config_is_refused(trained):
  workdir, _ = trained
  result = run(*SMOKE, f'--workdir={workdir}', '--max_steps=30')
  assert result.returncode == 0, result.stderr
  assert 'resuming' in result.stdout and 'at step 20' in result.stdout
  assert metrics(workdir)[-1]['step'] == 30
  changed = run(*SMOKE, f'--workdir={workdir}', '--maps=9')
  assert changed.returncode == 2
  assert 'maps (8 -> 9)' in changed.stderr and len(changed.stderr.splitlines()) == 1


def test_killed_run_resumes_at_the_saved_step_and_curriculum_length(tmp_path):
  workdir = tmp_path / 'killed'
  args = [sys.executable, str(ROOT / 'run.py'), *SMOKE, f'--workdir={workdir}',
          '--max_steps=100000', '--eval_every=25', '--curriculum_threshold=1.0']
  process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
  deadline = time.time() + 240
  while time.time() < deadline and (eval_cache.best_step(workdir, 'latest') or 0) < 50:
    time.sleep(0.5)
  process.send_signal(signal.SIGKILL)
  process.wait()
  # The step a resume reads: the checkpoint the state file names, written after the
  # checkpoint's files (a kill between the two leaves a newer .index no resume reads).
  saved = eval_cache.best_step(workdir, 'latest')
  at_save = [r for r in metrics(workdir) if r['step'] == saved and 'lr' in r][-1]
  assert at_save['curriculum_length'] > 3  # threshold 1.0 advances at every window
  result = run(*SMOKE, f'--workdir={workdir}', '--max_steps=100000', '--eval_every=25',
               '--curriculum_threshold=1.0', f'--max_steps={saved + 5}')
  assert result.returncode == 0, result.stderr
  assert (f'resuming {workdir} at step {saved}, curriculum length '
          f'{at_save["curriculum_length"]}') in result.stdout


def test_flagfile_sets_flags(tmp_path):
  flagfile = tmp_path / 'flags.txt'
  flagfile.write_text('--experiment=smoke\n--maps=6\n--max_steps=2\n--eval_every=2\n')
  result = run(f'--flagfile={flagfile}', f'--workdir={tmp_path / "w"}')
  assert result.returncode == 0, result.stderr
  assert json.loads((tmp_path / 'w' / 'config.json').read_text())['maps'] == 6


def test_a_baseline_runs_through_the_same_commands(tmp_path):
  workdir = tmp_path / 'gru'
  result = run('--experiment=badd_gru_seq2seq', f'--workdir={workdir}', '--units=8',
               '--max_length=9', '--max_steps=20', '--eval_every=10', '--probe_every=10',
               '--eval_examples=8', '--bidirectional')
  assert result.returncode == 0, result.stderr
  assert '| 9 | 8 |' in result.stdout and '| 81 | 8 |' in result.stdout
  assert 'probe/10x_sequence_accuracy' in set().union(*metrics(workdir))
  assert (workdir / 'eval' / 'generalization.png').exists()
  decoded = run('--mode=decode', f'--workdir={workdir}', '--input=1011+110')
  assert decoded.returncode == 0 and 'true:   10001' in decoded.stdout, decoded.stderr
  for mode, question in (('--mode=visualize', '--input=1011+110'),
                         ('--mode=trace', '--eval_lengths=9')):
    refused = run(mode, f'--workdir={workdir}', question)
    assert refused.returncode == 2 and mode in refused.stderr and '--model=gru' in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
