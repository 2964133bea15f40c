"""The Python API: a run trained from Python is a run of the CLI and back; answers in
the task's notation; evaluation; a SavedModel that answers like the checkpoint."""
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig

import numpy as np
import pytest

from experiments import presets
from neuralgpu import api
from support import ROOT

pytestmark = pytest.mark.slow


# A published run that has learned binary addition (40-digit numbers): its answers are
# checked against Python's integers.
LEARNED = ROOT / 'results' / 'badd_dngpu_two_stage_seed0'


@pytest.fixture(scope='module')
def trained_and_printed(tmp_path_factory):
  """smoke trained for 20 steps from Python, and what training printed (stdout)."""
  workdir = tmp_path_factory.mktemp('api') / 'smoke'
  printed = io.StringIO()
  with contextlib.redirect_stdout(printed):
    run = api.train(presets.config('smoke', {'seed': 3}), workdir)
  return run, printed.getvalue()


@pytest.fixture(scope='module')
def trained(trained_and_printed):
  return trained_and_printed[0]


def test_training_from_python_prints_a_few_lines_unless_verbose(trained_and_printed,
                                                                  tmp_path, capsys):
  trained, printed = trained_and_printed
  lines = printed.splitlines()
  assert len(lines) <= 10, printed
  assert 'trained to step 20' in lines[0] and '| length |' in printed
  assert 'wrong at length' not in printed and 'validation at step' not in printed
  copy = tmp_path / 'smoke'
  shutil.copytree(trained.workdir, copy)
  api.train(presets.config('smoke', {'seed': 3}), copy, verbose=True)
  verbose = capsys.readouterr().out
  assert 'resuming' in verbose and 'wrong at length' in verbose
  assert len(verbose.splitlines()) > 2 * len(lines)


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


def test_evaluate_gives_the_rows_of_mode_eval(trained, capsys):
  rows = trained.evaluate([9], examples=8)
  assert '100% done' in capsys.readouterr().out  # progress, as --mode=eval prints it
  assert trained.evaluate([9], examples=8, progress=False) == rows
  assert capsys.readouterr().out == ''
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
  questions = ['1011+110', '1+1', '+1', '101+11'] + [trained.task.decode(x) for x in inputs]
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
      f"text = loaded.signatures['answer_text'](questions=tf.constant({questions!r}))\n"
      "print(json.dumps([v.decode() for v in text['answers'].numpy()]))\n"
      "print(json.dumps([v.decode() for v in loaded.vocabulary.numpy()]))\n")
  result = subprocess.run([sys.executable, '-c', script, str(tmp_path / 'out.npy')],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
  assert result.returncode == 0, result.stderr[-3000:]
  np.testing.assert_array_equal(np.load(tmp_path / 'out.npy'), expected)
  assert json.loads(result.stdout.splitlines()[-1]) == list(trained.task.vocab)
  # The text signature answers as the checkpoint does, the unlearned answers included.
  assert json.loads(result.stdout.splitlines()[-2]) == trained.answer(questions)
  note = json.loads((path / 'assets' / 'neuralgpu_task.json').read_text())
  assert note['vocabulary'] == list(trained.task.vocab)
  assert trained.task.decode(np.array(note['example']['inputs'])) == note['example']['question']


def test_a_learned_export_answers_text_as_python_adds_without_this_package(tmp_path):
  path = api.load(LEARNED).export(tmp_path / 'exported')
  rng = np.random.default_rng(5)
  pairs = [(int(rng.integers(0, 2**int(a))), int(rng.integers(0, 2**int(b))))
           for a, b in rng.integers(1, 41, size=(24, 2))] + [(11, 6), (1, 1), (0, 0)]
  questions = [f'{a:b}+{b:b}' for a, b in pairs]
  # python -I -S: neither this checkout, PYTHONPATH nor the editable install's finder
  # (a .pth file in site-packages) is on the path; site-packages is added bare.
  script = (
      'import json, sys\n'
      f'sys.path.append({sysconfig.get_paths()["purelib"]!r})\n'
      'try:\n'
      '  import neuralgpu\n'
      "  sys.exit('neuralgpu is importable')\n"
      'except ImportError:\n'
      '  pass\n'
      'import tensorflow as tf\n'
      f'loaded = tf.saved_model.load({str(path)!r})\n'
      "ask = loaded.signatures['answer_text']\n"
      f"out = ask(questions=tf.constant({questions + ['12+1', '1' * 401 + '+1']!r}))\n"
      "print(json.dumps([[v.decode() for v in out[k].numpy()] for k in ('answers', 'errors')]))\n"
      # '1011+110' as ids, by the task file's rule: each number least significant
      # digit first, the shorter padded with zeros to the other's width.
      "note = json.load(open(loaded.note.asset_path.numpy()))\n"
      "ids = [note['vocabulary'].index(c) for c in '1101' + '+' + '0110']\n"
      "predicted = loaded.signatures['serving_default'](inputs=tf.constant([ids]))\n"
      "digits = [note['vocabulary'][i] for i in predicted['predictions'].numpy()[0] if i]\n"
      "print(''.join(reversed(digits)).lstrip('0'))\n")
  result = subprocess.run([sys.executable, '-I', '-S', '-c', script], capture_output=True,
                          text=True, cwd=tmp_path, timeout=600,
                          env={**os.environ, 'PYTHONPATH': str(ROOT)})
  assert result.returncode == 0, result.stderr[-3000:]
  (answers, errors), by_hand = json.loads(result.stdout.splitlines()[-2]), \
      result.stdout.splitlines()[-1]
  assert answers[:-2] == [f'{a + b:b}' for a, b in pairs] and not any(errors[:-2])
  assert answers[-2:] == ['', ''] and "'2' is not one of the symbols" in errors[-2]
  assert 'too long' in errors[-1] and 'up to 801 ids' in errors[-1]
  assert by_hand == answers[questions.index('1011+110')] == '10001'


def test_importing_the_api_prints_nothing():
  env = {k: v for k, v in os.environ.items() if k != 'TF_CPP_MIN_LOG_LEVEL'}
  result = subprocess.run([sys.executable, '-c', 'import neuralgpu.api'], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=env)
  assert result.returncode == 0, result.stderr[-3000:]
  assert (result.stdout, result.stderr) == ('', '')


def test_load_refuses_a_directory_without_a_run(tmp_path):
  with pytest.raises(ValueError, match='no training run'):
    api.load(tmp_path)
