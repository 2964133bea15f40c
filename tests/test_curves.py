"""experiments.curves draws the learning curves of several runs from their records."""
import json
import subprocess
import sys

from experiments import curves
from support import ROOT


def test_curves_of_two_runs_by_step_and_by_time(tmp_path):
  runs = {}
  for label, speed in (('a', 1.0), ('b', 2.0)):
    path = tmp_path / f'{label}.jsonl'
    path.write_text('\n'.join(json.dumps(r) for r in [
        {'config': {}},  # not a measurement: skipped
        *({'step': s, 'train_seconds': s * speed, 'track/symbols_41': s / 400,
           'track/sequences_41': 0.0, 'track/symbols_401': s / 500,
           'track/sequences_401': 0.0} for s in (0, 100, 200))]) + '\n')
    runs[label] = curves.read(path)
  assert [r['step'] for r in runs['a']] == [0, 100, 200]
  fig = curves.figure(runs, 'title')
  lines = [line for ax in fig.axes for line in ax.get_lines()]
  assert len(lines) == 4 * 2 * 2  # 4 panels, 2 runs, 2 lengths
  by_time = fig.axes[1].get_lines()
  assert max(by_time[-1].get_xdata()) == 400  # run b's time axis
  out = tmp_path / 'fig.png'
  result = subprocess.run([sys.executable, '-m', 'experiments.curves',
                           f'--runs={tmp_path / "a.jsonl"}:a,{tmp_path / "b.jsonl"}:b',
                           f'--out={out}'], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
  assert result.returncode == 0, result.stderr
  assert out.stat().st_size > 10_000
  bad = subprocess.run([sys.executable, '-m', 'experiments.curves', '--runs=nosuch:x'],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
  assert bad.returncode == 2 and 'nosuch' in bad.stderr
  assert len(bad.stderr.strip().splitlines()) == 1
