"""experiments.compare end to end on a tiny budget: trains, tests every model on the same
lengths, writes the table, and reuses finished runs when run again."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

pytestmark = pytest.mark.slow


def compare(*args):
  return subprocess.run([sys.executable, '-m', 'experiments.compare', *args],
                        capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_compare_trains_tests_and_tabulates_then_reuses_finished_runs(tmp_path):
  args = ('--experiments=badd,badd_lstm_seq2seq', '--seeds=0,1', '--max_steps=2',
          '--times=1,2', '--eval_examples=4', f'--root={tmp_path}')
  first = compare(*args)
  assert first.returncode == 0, first.stderr
  results = json.loads((tmp_path / 'comparison.json').read_text())
  assert [(r['preset'], r['seed']) for r in results] == [
      ('badd', 0), ('badd', 1), ('badd_lstm_seq2seq', 0), ('badd_lstm_seq2seq', 1)]
  for r in results:
    assert r['steps'] == 2 and r['stopped'] == 'step budget' and r['train_seconds'] > 0
    assert [row['length'] for row in r['rows']] == [41, 81]
    assert [row['examples'] for row in r['rows']] == [4, 4]
    saved = Path(r['workdir']) / 'eval_lengths=41,81_examples=4_suites=false' / 'results.json'
    assert r['rows'] == json.loads(saved.read_text())['lengths']  # beside the run's own eval
  table = (tmp_path / 'comparison.md').read_text()
  assert '| length 41 (1×) | length 81 (2×) |' in table
  assert ('| badd_lstm_seq2seq | LSTM encoder-decoder + attention | 1 | 2 (step budget) '
          '| 3 |') in table  # 2 steps leave the curriculum at its start
  cached = {r['workdir']: (Path(r['workdir']) / 'metrics.jsonl').read_text() for r in results}
  second = compare(*args)
  assert second.returncode == 0, second.stderr
  assert 'evaluating:' not in second.stdout  # the results were reused
  for workdir, text in cached.items():
    assert (Path(workdir) / 'metrics.jsonl').read_text() == text  # no more training
  assert (tmp_path / 'comparison.md').read_text() == table


def test_compare_refuses_bad_input_in_one_line(tmp_path):
  for args, words in (
      (['--task=nosuch'], ['nosuch']),
      (['--experiments=badd,bmul_lstm'], ['different tasks']),
      (['--seeds=0,x'], ['--seeds']),
      (['--times=0'], ['--times', '>= 1']),
      (['--eval_examples=0'], ['--eval_examples']),
      (['--max_steps=0'], ['--max_steps=0']),
  ):
    result = compare(*args, f'--root={tmp_path / "never"}')
    assert result.returncode == 2 and result.stdout == '', (args, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
      assert word in result.stderr, (word, result.stderr)
    assert not (tmp_path / 'never').exists()
