"""The benchmark harness runs end to end at toy sizes (so it cannot rot), and its
operation count is the one the reference figures use."""
import json
import subprocess
import sys

import numpy as np
import pytest

from benchmarks import flops, measure, report
from benchmarks.setups import REFERENCE, TINY
from neuralgpu.config import Config
from support import ROOT

pytestmark = pytest.mark.slow


def test_operation_count_gives_the_reference_codes_114_gflops_at_length_41():
  """The reference TF1 Neural GPU's 2.50 s per step at length 41 is quoted as about
  114 GFLOP/s."""
  reference = Config(**REFERENCE)
  assert flops.training_step(reference, 32, 41) / 2.50 / 1e9 == pytest.approx(114, abs=1)
  # Quadratic in length (as many steps as symbols), linear in batch, quadratic in maps.
  assert flops.forward(reference, 32, 82) == 4 * flops.forward(reference, 32, 41)
  assert flops.forward(reference, 64, 41) == 2 * flops.forward(reference, 32, 41)
  half = Config(**{**REFERENCE, 'maps': 32})
  assert flops.forward(reference, 32, 41) == 4 * flops.forward(half, 32, 41)


def test_operation_count_of_a_dngpu_step_sums_its_bins():
  """96 maps, width 3: 2 · 3·96·288 multiply-adds per position and step; 32 examples of
  each bin L run L steps over L positions; backward twice the forward."""
  config = Config(model='dngpu', maps=96, layers=1, batching='bins', curriculum='none',
                  bins='8,41', max_length=41).validate()
  per_position_step = 2 * 3 * 96 * 3 * 96
  assert flops.dngpu_bins_training_step(config) == 3 * per_position_step * 32 * (64 + 1681)


def test_the_harness_measures_everything_at_toy_sizes_and_judges_targets(tmp_path):
  result = subprocess.run(
      [sys.executable, '-m', 'benchmarks', '--tiny', '--lengths=3,5', '--eval_lengths=9',
       '--eval_examples=1', '--repeats=1', '--solve_seeds=0', '--solve_minutes=5',
       f'--out={tmp_path}'], capture_output=True, text=True, cwd=ROOT, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  results = json.loads((tmp_path / 'benchmark.json').read_text())
  assert results['peak_gflops'] > 0
  assert [(r['config'], r['length']) for r in results['train']] == [
      ('reference', 3), ('reference', 5), ('reference bfloat16', 3),
      ('reference bfloat16', 5), ('default', 3), ('default', 5)]
  assert all(r['seconds_per_step'] > 0 and r['gflops'] > 0 for r in results['train'])
  assert [r['setting'] for r in results['dngpu']] == [
      "float32, TensorFlow's threads", 'float32', 'bfloat16']
  assert all(r['seconds_per_step'] > 0 and r['examples'] == 4 for r in results['dngpu'])
  assert [r['config'] for r in results['eval']] == ['default', 'bmul_dngpu']
  assert all(r['peak_memory_mib'] >= r['memory_before_mib'] > 0 and r['gflops'] > 0
             for r in results['eval'])
  assert len(results['baselines']) == 8
  assert results['solve'][0]['steps'] == 20 and not results['solve'][0]['timed_out']
  summary = (tmp_path / 'benchmark.md').read_text()
  for heading in ('Neural GPU training step', 'DNGPU training step', 'Evaluation',
                  'Baseline training step',
                  'Time to solve', 'Targets'):
    assert f'## {heading}' in summary


def test_targets_are_judged_from_the_measurements():
  results = {'peak_gflops': 100.0,
             'train': [{'config': 'reference', 'length': 41, 'seconds_per_step': 2.0,
                        'gflops': 69.0}],
             'eval': [{'length': 4001, 'peak_memory_mib': 2100.0},
                      {'config': 'bmul_dngpu', 'length': 4001, 'gflops': 66.6,
                       'seconds_per_example': 9.0}],
             'solve': [{'experiment': 'badd', 'far': {'seconds': s, 'step': 1}}
                       for s in (800.0, 899.0)] +
                      [{'experiment': 'badd', 'far': None}]}
  assert [met for _, _, met in report.targets(results)] == [False, True, False, False]
  results['eval'][1]['gflops'] = 66.7  # 1.5 times the peak's time or less
  assert report.targets(results)[3][2]
  results['solve'][1]['far']['seconds'] = 900.0  # under 15 minutes means under
  assert not report.targets(results)[1][2]


def test_a_summary_with_no_target_to_judge_says_so_instead_of_an_empty_table():
  results = {'date': '2026-12-07', 'command': 'python -m benchmarks --sections=peak',
             'machine': {'cpu': 'x', 'cores': 2, 'tensorflow': '2.21.0'},
             'peak_gflops': 294.0}
  summary = report.markdown(results)
  assert summary.endswith('## Targets\n\nNone: no target is set on what these sections '
                          'measure (train, eval and solve have).\n')


def test_bad_input_is_refused_in_one_line(tmp_path):
  for args, word in ((['--sections=peak,nosuch'], 'nosuch'), (['--lengths=8'], '8'),
                     (['--repeats=0'], '--repeats'), (['--lengths=x'], '--lengths')):
    result = subprocess.run([sys.executable, '-m', 'benchmarks', *args,
                             f'--out={tmp_path / "never"}'], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 2 and word in result.stderr, (args, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / 'never').exists()


def test_evaluation_memory_is_that_of_its_own_process():
  """Not the parent's high-water mark, which getrusage carries over into a child."""
  held = np.ones(2**28)  # 2 GiB, touched, in this process
  row = measure.evaluation(Config(**TINY), 9, 1)
  assert held.sum() > 0
  assert 0 < row['peak_memory_mib'] < 1024
