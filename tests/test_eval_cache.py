"""A saved evaluation is reused only while it is of the run's best checkpoint, at the
asked lengths and examples: the one rule of --mode=eval, the comparison and the sweep."""
import json

from neuralgpu.config import Config
from neuralgpu.runs import eval_cache


def a_run(path, best_step: int, evaluated_step: int, suites: bool = True):
  Config(task='badd').save(path / 'config.json')
  (path / 'best').mkdir()
  (path / 'best' / 'checkpoint').write_text(
      f'model_checkpoint_path: "ckpt-{best_step}"\nall_model_checkpoint_paths: '
      f'"ckpt-{best_step}"\n')
  name = eval_cache.eval_name(path, [41, 401], 128, suites)
  (path / name).mkdir()
  rows = [{'length': n, 'examples': 128, 'sequence_accuracy': 1.0} for n in (41, 401)]
  (path / name / 'results.json').write_text(json.dumps(
      {'checkpoint_step': evaluated_step, 'lengths': rows}))


def test_an_evaluation_of_the_best_checkpoint_is_reused(tmp_path):
  a_run(tmp_path, best_step=200, evaluated_step=200)
  assert eval_cache.best_step(tmp_path) == 200
  assert eval_cache.saved(tmp_path, [41, 401], 128, suites=True)['checkpoint_step'] == 200
  # One with the suites holds the random examples' rows too.
  assert eval_cache.saved(tmp_path, [41, 401], 128, suites=False) is not None


def test_an_evaluation_of_an_earlier_best_or_of_other_examples_is_not(tmp_path):
  a_run(tmp_path, best_step=400, evaluated_step=200)
  assert eval_cache.saved(tmp_path, [41, 401], 128, suites=True) is None
  (tmp_path / 'best' / 'checkpoint').write_text('model_checkpoint_path: "ckpt-200"\n')
  assert eval_cache.saved(tmp_path, [41, 401], 64, suites=True) is None
  assert eval_cache.saved(tmp_path, [41], 128, suites=True) is None


def test_one_without_the_suites_does_not_answer_for_one_with_them(tmp_path):
  a_run(tmp_path, best_step=200, evaluated_step=200, suites=False)
  assert eval_cache.saved(tmp_path, [41, 401], 128, suites=True) is None
  assert eval_cache.saved(tmp_path, [41, 401], 128, suites=False) is not None


def test_a_run_without_a_best_checkpoint_has_no_saved_evaluation(tmp_path):
  Config(task='badd').save(tmp_path / 'config.json')
  assert eval_cache.best_step(tmp_path) is None
  assert eval_cache.saved(tmp_path, [41, 401], 128, suites=False) is None


def test_an_evaluation_with_more_steps_is_kept_apart(tmp_path):
  a_run(tmp_path, best_step=200, evaluated_step=200)
  assert eval_cache.saved(tmp_path, [41, 401], 128, suites=True, step_factor=1.5) is None
  assert (eval_cache.eval_name(tmp_path, [41, 401], 128, True, 1.5) ==
          'eval_lengths=41,401_examples=128_step_factor=1.5')


def test_on_a_run_set_to_more_steps_an_evaluation_with_one_names_its_factor(tmp_path):
  a_run(tmp_path, best_step=200, evaluated_step=200)
  Config(task='badd', model='dngpu', eval_step_factor=2.0).save(tmp_path / 'config.json')
  assert eval_cache.eval_name(tmp_path, [41, 401], 128, True, 2.0) == 'eval'  # its own
  assert eval_cache.eval_name(tmp_path, [41, 401], 128, True, 1.0) == (
      'eval_lengths=41,401_examples=128_step_factor=1')
