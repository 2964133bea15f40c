"""The Python API: a run trained from Python is a run of the CLI and back; answers in
the task's notation; evaluation; a SavedModel that answers like the checkpoint."""
import json
import subprocess
import sys

import numpy as np
import pytest

from experiments import presets
from neuralgpu import api
from support import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
  """smoke trained for 20 steps from Python."""
  workdir = tmp_path_factory.mktemp('api') / 'smoke'
  return api.train(presets.config('smoke', {'seed': 3}), workdir)


def test_a_run_trained_from_python_is_read_by_the_cli(trained):
  saved = json.loads((trained.workdir / 'config.json').read_text())
  assert (saved['seed'], saved['maps'], trained.step) == (3, 8, 20)
  assert (trained.workdir / 'eval' / 'results.json').is_file()
  result = subprocess.run([sys.executable, str(ROOT / 'run.py'), '--mode=decode',
                           f'--workdir={trained.workdir}', '--input=101+11'],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
  assert result.returncode == 0, result.stderr
  model_line = next(line for line in result.stdout.splitlines() if line.startswith('model:'))
  assert model_line[len('model:'):].strip() == trained.answer('101+11')


def test_answers_come_in_the_tasks_notation_in_the_order_asked(trained):
  questions = ['101+11', '1+1', '1011+110', '0+0']  # lengths 7, 3, 9, 3
  answers = trained.answer(questions)
  task = trained.task
  for question, answer in zip(questions, answers):
    ids = task.encode(task.canonical(question))
    predicted = np.asarray(trained.predict(ids[None]))[0]
    assert answer == task.decode(predicted)
  assert trained.answer('1+1') == answers[1]
  with pytest.raises(ValueError, match="question '12\\+1'"):
    trained.answer(['1+1', '12+1'])


def test_evaluate_gives_the_rows_of_mode_eval(trained):
  rows = trained.evaluate([9], examples=8)
  saved = json.loads((trained.workdir / 'eval' / 'results.json').read_text())
  (same,) = [row for row in saved['lengths'] if row['length'] == 9]
  assert rows[0]['sequence_accuracy'] == same['sequence_accuracy']
  assert rows[0]['suites'] == same['suites']
  with pytest.raises(ValueError, match='10'):
    trained.evaluate([10])


def test_the_export_answers_like_the_checkpoint_without_this_package(trained, tmp_path):
  path = trained.export(tmp_path / 'exported')
  with pytest.raises(ValueError, match='not an empty directory'):
    trained.export(path)
  inputs, _ = trained.task.sample(np.random.default_rng(9), 16, 9)
  expected = np.asarray(trained.predict(inputs))
  np.save(tmp_path / 'inputs.npy', inputs)
  # A fresh interpreter in which importing this project's packages fails.
  script = (
      'import sys, json, numpy as np\n'
      "for name in ('neuralgpu', 'tasks', 'experiments'):\n"
      '  sys.modules[name] = None\n'
      'import tensorflow as tf\n'
      f'loaded = tf.saved_model.load({str(path)!r})\n'
      f'inputs = np.load({str(tmp_path / "inputs.npy")!r})\n'
      "out = loaded.signatures['serving_default'](inputs=tf.constant(inputs))\n"
      "np.save(sys.argv[1], out['predictions'].numpy())\n"
      "print(json.dumps([v.decode() for v in loaded.vocabulary.numpy()]))\n")
  result = subprocess.run([sys.executable, '-c', script, str(tmp_path / 'out.npy')],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
  assert result.returncode == 0, result.stderr[-3000:]
  np.testing.assert_array_equal(np.load(tmp_path / 'out.npy'), expected)
  assert json.loads(result.stdout.splitlines()[-1]) == list(trained.task.vocab)
  note = json.loads((path / 'assets' / 'neuralgpu_task.json').read_text())
  assert note['vocabulary'] == list(trained.task.vocab)
  assert trained.task.decode(np.array(note['example']['inputs'])) == note['example']['question']


def test_load_refuses_a_directory_without_a_run(tmp_path):
  with pytest.raises(ValueError, match='no training run'):
    api.load(tmp_path)
