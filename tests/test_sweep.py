"""experiments.sweep: every combination its own run, resumable, success rates that
match the runs' own results, on local processes and on Ray."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

pytestmark = pytest.mark.slow


def sweep(*args, env=None):
  return subprocess.run([sys.executable, '-m', 'experiments.sweep', *args],
                        capture_output=True, text=True, cwd=ROOT, timeout=600,
                        env={**os.environ, **(env or {})})


def own_results(workdir: Path):
  """(solved, accuracy by length) from the run's own evaluation, as the trainer wrote it."""
  result = json.loads((workdir / 'eval' / 'results.json').read_text())
  accuracy = {row['length']: row['sequence_accuracy'] for row in result['lengths']}
  return accuracy[9] == 1.0 and accuracy[81] >= 0.99, accuracy


def check_summary(root: Path, seeds, label='smoke'):
  summary = json.loads((root / 'summary.json').read_text())
  (row,) = summary['configurations']
  assert row['configuration'] == label and row['runs'] == len(seeds)
  solved = [own_results(root / f'{label}_seed{s}')[0] for s in seeds]
  assert row['solved'] == sum(solved)
  assert row['success_rate'] == sum(solved) / len(seeds)
  for length in (9, 81):
    values = [own_results(root / f'{label}_seed{s}')[1][length] for s in seeds]
    assert row['accuracy'][str(length)]['best'] == max(values)
  text = (root / 'summary.md').read_text()
  assert text.count(f'| {label} |') == 1
  # Per seed, at each length: its row with the random examples and each hard suite.
  suites = {suite for s in seeds for suite in results_of(root / f'{label}_seed{s}')[9]}
  assert suites and all(f' {suite} |' in text for suite in suites)
  for s in seeds:
    for length in (9, 81):
      assert f'| {label}_seed{s} | {length} |' in text
  return row


def results_of(workdir: Path) -> dict:
  """{length: {suite: counts}} from the run's eval/results.json."""
  result = json.loads((workdir / 'eval' / 'results.json').read_text())
  return {row['length']: row['suites'] for row in result['lengths']}


def test_a_two_seed_sweep_runs_resumes_and_summarizes_what_the_runs_got(tmp_path):
  root = tmp_path / 'sweep'
  # An interrupted run: seed 1 trained 10 of its 20 steps before the sweep starts.
  seed1 = root / 'smoke_seed1'
  subprocess.run([sys.executable, str(ROOT / 'run.py'), '--experiment=smoke', '--seed=1',
                  f'--workdir={seed1}', '--max_steps=10'], check=True, cwd=ROOT,
                 capture_output=True, timeout=300)
  result = sweep('--experiment=smoke', '--seeds=0-1', f'--root={root}', '--parallel=2')
  assert result.returncode == 0, result.stderr
  assert '2 to run' in result.stdout
  assert 'resuming' in (seed1 / 'sweep.log').read_text()
  assert 'at step 10' in (seed1 / 'sweep.log').read_text()
  row = check_summary(root, [0, 1])
  assert row['finished'] == 2
  steps = [json.loads(line)['step'] for line in open(seed1 / 'metrics.jsonl')]
  assert steps == sorted(steps) and steps[-1] == 20  # went on from 10, not from 0
  before = {p: p.stat().st_mtime for p in root.rglob('*') if p.is_file()}
  # Learning curves asked for afterwards change no result: nothing is run again.
  again = sweep('--experiment=smoke', '--seeds=0-1', f'--root={root}', '--track_lengths=9')
  assert again.returncode == 0, again.stderr
  assert '2 finished before, 0 to run' in again.stdout
  changed = {p for p in root.rglob('*') if p.is_file() and before.get(p) != p.stat().st_mtime}
  assert changed == {root / 'summary.md', root / 'summary.json'}


def test_a_grid_runs_every_combination_with_its_values(tmp_path):
  root = tmp_path / 'grid'
  result = sweep('--experiment=smoke', '--seeds=3', '--grid=maps=4,6',
                 '--grid=roll_back=false', '--grid=max_steps=10', f'--root={root}')
  assert result.returncode == 0, result.stderr
  summary = json.loads((root / 'summary.json').read_text())
  labels = [row['configuration'] for row in summary['configurations']]
  assert labels == ['maps=4_roll_back=False_max_steps=10', 'maps=6_roll_back=False_max_steps=10']
  for label, maps in zip(labels, (4, 6)):
    config = json.loads((root / f'{label}_seed3' / 'config.json').read_text())
    assert (config['maps'], config['roll_back'], config['max_steps'], config['seed']) == (
        maps, False, 10, 3)


def test_the_ray_backend_runs_the_sweep_on_a_local_ray_instance(tmp_path):
  pytest.importorskip('ray')
  root = tmp_path / 'ray'
  result = sweep('--experiment=smoke', '--seeds=0-1', '--backend=ray', '--threads=1',
                 f'--root={root}')
  assert result.returncode == 0, result.stderr
  check_summary(root, [0, 1])


def test_the_ray_backend_without_ray_says_how_to_install_it(tmp_path):
  hide = tmp_path / 'hide'
  hide.mkdir()
  (hide / 'ray.py').write_text("raise ImportError('No module named ray')\n")
  result = sweep('--experiment=smoke', '--seeds=0', '--backend=ray', f'--root={tmp_path / "r"}',
                 env={'PYTHONPATH': str(hide)})
  assert result.returncode == 2
  assert len(result.stderr.strip().splitlines()) == 1, result.stderr
  assert "pip install -e '.[ray]'" in result.stderr


def test_several_presets_are_swept_side_by_side_each_under_its_own_label(tmp_path):
  from experiments import sweep as sweep_module  # pylint: disable=import-outside-toplevel
  runs = sweep_module.plan(['smoke', 'badd_dngpu'], [0, 1], {'max_steps': [4]}, tmp_path)
  assert [(r.label, r.seed) for r in runs] == [
      ('smoke_max_steps=4', 0), ('smoke_max_steps=4', 1),
      ('badd_dngpu_max_steps=4', 0), ('badd_dngpu_max_steps=4', 1)]
  assert [r.config.model for r in runs] == ['ngpu', 'ngpu', 'dngpu', 'dngpu']
  assert [(r.label, r.seed) for r in sweep_module.running_order(runs)] == [
      ('smoke_max_steps=4', 0), ('badd_dngpu_max_steps=4', 0),
      ('smoke_max_steps=4', 1), ('badd_dngpu_max_steps=4', 1)]
  assert '--experiment=badd_dngpu' in runs[2].command()
  assert runs[3].workdir == tmp_path / 'badd_dngpu_max_steps=4_seed1'
  (timed,) = sweep_module.plan(['smoke'], [0], {'max_hours': [0.5]}, tmp_path,
                               {'track_lengths': '9,81', 'track_every': 50})
  assert timed.workdir == tmp_path / 'max_hours=0.5_seed0'  # tracking is not in the name
  assert {'--max_hours=0.5', '--track_lengths=9,81', '--track_every=50'} <= set(
      timed.command())
  assert (timed.config.max_hours, timed.config.track_lengths) == (0.5, '9,81')
  with pytest.raises(ValueError, match='names a preset twice'):
    sweep_module.plan(['smoke', 'smoke'], [0], {}, tmp_path)
