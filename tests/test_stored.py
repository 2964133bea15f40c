"""Stored runs: a training state resumed elsewhere gives the uninterrupted run's metrics;
a stored run is read as its workdir is and never written; a damaged or incomplete one is
refused in one line; the published models fit their size budget and the README's table
is the one they make."""
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from experiments import presets, results_table
from neuralgpu import api, lengths
from neuralgpu.evaluation import evaluate
from neuralgpu.runs import actions, eval_cache, stored
from neuralgpu.training import sessions
from neuralgpu.training.train import Trainer
from support import ROOT, TINY, metrics_without_time


RESULTS = ROOT / 'results'
MODEL_BUDGET, FOLDER_BUDGET = 5_000_000, 50_000_000  # bytes


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
  """A deterministic TINY run to step 10, and the same run stopped at step 5 and stored
  with its training state (its workdir then deleted, as a machine that goes away)."""
  root = tmp_path_factory.mktemp('stored')
  config = dataclasses.replace(TINY, deterministic=True, max_steps=10, track_lengths='9',
                               track_every=5, track_examples=4)
  Trainer(config, root / 'straight').train()
  Trainer(dataclasses.replace(config, max_steps=5), root / 'stopped').train()
  stored.store(root / 'stopped', root / 'parked', training_state=True)
  shutil.rmtree(root / 'stopped')
  actions.evaluate_runs([(root / 'straight', config)], lengths.to_report(config), 16)
  stored.store(root / 'straight', root / 'published')
  return config, root


def test_a_stored_training_state_resumes_to_the_uninterrupted_runs_metrics(trained):
  config, root = trained
  stored.resume_into(root / 'parked', root / 'resumed')
  assert Trainer(config, root / 'resumed').train() == 10
  assert metrics_without_time(root / 'resumed') == metrics_without_time(root / 'straight')
  lines = (root / 'resumed' / sessions.SESSIONS).read_text().splitlines()
  assert [json.loads(line)['from_step'] for line in lines] == [0, 5]


def test_a_stored_dngpu_training_state_with_a_weight_average_resumes_exactly(tmp_path):
  # The DNGPU's bins, pool, AdaMax, rate noise and saturation cost, and the averaged
  # weights, as the parked long runs have them.
  config = dataclasses.replace(
      presets.config('quick', dict(maps=8, bins='5,9', max_length=9, train_pool=50,
                                   eval_every=4, log_every=2, weight_average=0.9)),
      deterministic=True, max_steps=12)
  Trainer(config, tmp_path / 'straight').train()
  Trainer(dataclasses.replace(config, max_steps=8), tmp_path / 'stopped').train()
  stored.store(tmp_path / 'stopped', tmp_path / 'parked', training_state=True)
  stored.resume_into(tmp_path / 'parked', tmp_path / 'resumed')
  Trainer(config, tmp_path / 'resumed').train()
  assert metrics_without_time(tmp_path / 'resumed') == metrics_without_time(tmp_path / 'straight')


def test_a_run_in_its_first_stage_is_stored_with_that_stages_state_and_commits(trained,
                                                                              tmp_path):
  _, root = trained
  shutil.copytree(root / 'straight', tmp_path / 'run' / 'start')
  shutil.copy(root / 'straight' / 'config.json', tmp_path / 'run' / 'config.json')
  listed = stored.store(tmp_path / 'run', tmp_path / 'parked', training_state=True)
  assert listed['trained_by_commits'] == sessions.trained_by_commits(root / 'straight')
  assert (listed['latest_step'], listed['first_stage']['latest_step']) == (None, 10)
  assert (tmp_path / 'parked' / 'start' / 'checkpoints' / 'checkpoint').is_file()


def test_a_commit_given_that_the_run_records_too_is_listed_once(trained, tmp_path):
  _, root = trained
  recorded = sessions.trained_by_commits(root / 'straight')
  commit, space, rest = recorded[0].partition(' ')
  given = commit[:7] + space + rest  # abbreviated, as --trained_by takes it
  listed = stored.store(root / 'straight', tmp_path / 'stored', trained_by=given)
  assert listed['trained_by_commits'] == [given, *recorded[1:]]
  assert not stored.same_commit(commit[:7], commit + ' with uncommitted changes')
  assert not stored.same_commit('a1bbdc7', 'b1bbdc7e2f')


def test_the_manifest_lists_every_file_and_the_best_weights_leave_the_optimizer(trained):
  _, root = trained
  listed = stored.manifest(root / 'published')
  files = {str(p.relative_to(root / 'published')) for p in (root / 'published').rglob('*')
           if p.is_file()}
  assert set(listed['files']) == files - {stored.MANIFEST}
  assert (listed['best_step'], listed['trained']['steps'], listed['training_state']) == \
      (10, 10, False)
  assert listed['trained_by_commits'] and not (root / 'published' / 'checkpoints').exists()
  weights = sum(f['bytes'] for name, f in listed['files'].items() if name.startswith('best/'))
  whole = sum(f['bytes'] for name, f in stored.manifest(root / 'parked')['files'].items()
              if name.startswith('best/'))
  assert weights < 0.6 * whole  # the optimizer's two slots per weight are left out


def snapshot(directory: Path) -> dict:
  return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.rglob('*')
          if p.is_file()}


def test_a_stored_run_is_read_like_its_workdir_and_never_written(trained, tmp_path,
                                                                monkeypatch, capsys):
  _, root = trained
  before = snapshot(root / 'published')
  monkeypatch.chdir(tmp_path)
  run, original = api.load(root / 'published'), api.load(root / 'straight')
  questions = ['101+11', '1+1', '11+110']
  assert run.step == 10 and run.answer(questions) == original.answer(questions)
  config = run.config
  actions.evaluate_runs([(root / 'published', config)], lengths.to_report(config), 16)
  assert 'reproduces the stored' in capsys.readouterr().out
  name = eval_cache.eval_name(root / 'published', lengths.to_report(config), 16)
  written = tmp_path / stored.STORED_OUTPUTS / 'published' / name / 'results.json'
  assert json.loads(written.read_text())['lengths'] == json.loads(
      (root / 'published' / name / 'results.json').read_text())['lengths']
  run.export(tmp_path / 'exported')
  question = run.task.encode('11+1')
  actions.draw_state(config, root / 'published', '11+1', question)
  actions.trace_states(config, root / 'published',
                        evaluate.example_sets(run.task, [9], 2, None), 'random')
  outputs = tmp_path / stored.STORED_OUTPUTS / 'published'
  assert (outputs / 'visualize.png').is_file() and (outputs / 'trace' / 'random').is_dir()
  assert snapshot(root / 'published') == before


def test_evaluations_made_later_are_added_to_the_stored_run_and_its_manifest(
    trained, tmp_path, monkeypatch):
  _, root = trained
  copy = tmp_path / 'copy'
  shutil.copytree(root / 'published', copy)
  monkeypatch.chdir(tmp_path)
  actions.evaluate_runs([(copy, api.load(copy).config)], [9], 4, suites=False)
  name = 'eval_lengths=9_examples=4_suites=false'
  assert stored.add_evaluations(copy) == [name]
  assert f'{name}/results.json' in stored.manifest(copy)['files']
  assert stored.add_evaluations(copy) == []


def damage(path: Path, how: str) -> None:
  file = path / 'best' / next(n for n in os.listdir(path / 'best') if n.endswith('.index'))
  if how == 'missing':
    file.unlink()
  elif how == 'changed':
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 1
    file.write_bytes(bytes(data))
  elif how == 'pointer':
    file.write_text('version https://git-lfs.github.com/spec/v1\n')
  else:
    (path / stored.MANIFEST).write_text('{"format": 1, "files": ')


@pytest.mark.parametrize('how,says', [('missing', 'is incomplete: best/'),
                                      ('changed', 'differs from the SHA-256'),
                                      ('pointer', 'Git LFS pointer'),
                                      ('manifest', 'manifest.json cannot be read')])
def test_a_damaged_store_is_refused_naming_what_is_wrong(trained, tmp_path, how, says):
  _, root = trained
  copy = tmp_path / 'copy'
  shutil.copytree(root / 'published', copy)
  damage(copy, how)
  with pytest.raises(stored.DamagedStore, match=says):
    api.load(copy)


@pytest.mark.slow
def test_run_py_refuses_a_damaged_store_in_one_line(trained, tmp_path):
  _, root = trained
  copy = tmp_path / 'copy'
  shutil.copytree(root / 'published', copy)
  damage(copy, 'changed')
  result = subprocess.run([sys.executable, str(ROOT / 'run.py'), '--mode=eval',
                           f'--workdir={copy}'], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
  assert result.returncode == 2
  assert result.stderr.strip().splitlines() == [
      f'run.py: error: {copy} is damaged: best/ckpt-10.index differs from the SHA-256 in '
      'manifest.json; fetch the stored run whole']


@pytest.mark.slow
def test_the_latest_checkpoint_is_tested_where_a_store_holds_it(trained, tmp_path):
  _, root = trained

  def evaluate(stored_run):
    return subprocess.run([sys.executable, str(ROOT / 'run.py'), '--mode=eval',
                           f'--workdir={root / stored_run}', '--checkpoint=latest',
                           '--eval_lengths=9', '--eval_examples=4', '--nosuites'],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)

  refused = evaluate('published')  # its best weights alone
  assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
  assert '--checkpoint=latest' in refused.stderr and '--training_state' in refused.stderr
  tested = evaluate('parked')  # its whole training state, the latest at step 5
  assert tested.returncode == 0, tested.stderr
  assert 'latest checkpoint (step 5)' in tested.stdout
  written = (tmp_path / 'workdirs' / 'stored' / 'parked' /
             'eval_lengths=9_examples=4_suites=false_checkpoint=latest' / 'results.json')
  assert json.loads(written.read_text())['checkpoint'] == 'latest'


@pytest.mark.slow
def test_resume_from_trains_on_in_a_new_workdir_and_refuses_what_it_cannot(trained,
                                                                          tmp_path):
  _, root = trained
  program = [sys.executable, str(ROOT / 'run.py')]

  def run(*flags):
    return subprocess.run(program + list(flags), capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)

  refusals = {
      (f'--resume_from={root / "published"}',): 'holds no training state',
      (f'--resume_from={root / "straight"}',): 'is not a stored run',
      (f'--resume_from={root / "parked"}', '--lr=0.5'): 'keeps its settings, and lr',
      (f'--resume_from={root / "parked"}', '--experiment=smoke'): 'give one of them',
      (f'--resume_from={root / "parked"}', '--mode=eval'): '--mode=eval does not take it',
  }
  for flags, says in refusals.items():
    result = run(*flags)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, flags
    assert says in result.stderr, result.stderr
  result = run(f'--resume_from={root / "parked"}', '--workdir=resumed', '--max_steps=10')
  assert result.returncode == 0, result.stderr
  assert 'resuming resumed at step 5' in result.stdout
  assert metrics_without_time(tmp_path / 'resumed') == metrics_without_time(root / 'straight')


@pytest.mark.slow
def test_compare_and_curves_read_a_stored_run_as_a_workdir(trained, tmp_path):
  _, root = trained
  before = snapshot(root / 'published')

  def run(*command):
    result = subprocess.run([sys.executable, '-m', *command], capture_output=True,
                            text=True, cwd=tmp_path, timeout=300,
                            env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert result.returncode == 0, result.stderr

  run('experiments.compare', f'--runs={root / "published"},{root / "straight"}',
      '--times=1', '--eval_examples=8', '--root=compared')
  table = (tmp_path / 'compared' / 'comparison.md').read_text()
  assert '| published | Neural GPU | 0 | 10 (step budget) |' in table
  assert '| straight | Neural GPU | 0 | 10 (step budget) |' in table
  assert (tmp_path / stored.STORED_OUTPUTS / 'published').is_dir()
  run('experiments.curves', f'--runs={root / "published"}:stored', '--out=curves.png')
  assert (tmp_path / 'curves.png').stat().st_size > 0
  assert snapshot(root / 'published') == before


def test_every_published_model_is_whole_and_within_its_size_budget():
  total = 0
  for path in sorted(p.parent for p in RESULTS.glob(f'*/{stored.MANIFEST}')):
    size = sum(f['bytes'] for f in stored.manifest(path)['files'].values())
    assert size <= MODEL_BUDGET, f'{path}: {size:,} bytes'
    total += size
  on_disk = sum(p.stat().st_size for p in RESULTS.rglob('*') if p.is_file()) if \
      RESULTS.exists() else 0
  assert max(total, on_disk) <= FOLDER_BUDGET, f'results/: {on_disk:,} bytes'


def test_every_parked_run_is_whole_and_holds_a_training_state():
  for path in sorted(p.parent for p in (ROOT / 'parked').glob(f'*/{stored.MANIFEST}')):
    assert stored.manifest(path)['training_state'], path


def test_the_readme_results_are_the_ones_the_published_models_make(monkeypatch):
  monkeypatch.chdir(ROOT)  # the table names the models by their path from the checkout
  models = results_table.published(Path('results'))
  assert results_table.block(models) in (ROOT / 'README.md').read_text()
  assert results_table.details(models) in (ROOT / 'docs' / 'results.md').read_text()
  assert results_table.glance_block(models) in (ROOT / 'docs' / 'results.md').read_text()


def test_the_results_table_shows_each_length_and_suite_of_a_model(trained, monkeypatch):
  _, root = trained
  monkeypatch.chdir(root)
  (root / 'results').mkdir(exist_ok=True)
  if not (root / 'results' / 'tiny').exists():
    shutil.copytree(root / 'published', root / 'results' / 'tiny')
  models = results_table.published(Path('results'))
  text = results_table.details(models)
  result = json.loads(next((root / 'published').glob('eval*/results.json')).read_text())
  lines = text.splitlines()
  rows = [line for line in lines if line.startswith('| ')][2:]
  assert len(rows) == len(result['lengths'])
  for line, row in zip(rows, result['lengths']):
    assert f'| {row["length"]:,} | {row["sequences_correct"]}/{row["examples"]} |' in line
    for scores in row['suites'].values():
      assert f'{scores["sequences_correct"]}/{scores["examples"]}' in line
  assert '`python run.py --mode=eval --workdir=results/tiny --eval_lengths=' in text
  assert [cell.strip() for cell in rows[0].split('|')[3:5]] == ['10', '10']  # best, trained
  short = [line for line in results_table.block(models).splitlines() if line.startswith('| ')]
  assert len(short) - 2 == len(result["lengths"])
  for line, row in zip(short[2:], result['lengths']):
    suites = row['suites'].values()
    right = sum(s['sequences_correct'] for s in suites)
    assert f'| {right}/{sum(s["examples"] for s in suites)}' in line
    for name, scores in row['suites'].items():  # a suite with a wrong input is named
      assert (name in line) == (scores['sequences_correct'] < scores['examples'])


def test_a_probe_with_more_steps_is_checked_with_its_setting_and_is_no_row_of_the_table():
  result = {'config': {'eval_step_factor': 1.5}, 'seconds': 1.0,
            'lengths': [{'length': 9, 'examples': 4, 'suites': {}}]}
  name = 'eval_lengths=9_examples=4_suites=false_step_factor=1.5'
  assert results_table.eval_command(Path('results/x'), name, result, 1) == (
      'python run.py --mode=eval --workdir=results/x --eval_lengths=9 --eval_examples=4 '
      '--nosuites --eval_step_factor=1.5')
  # One with a single step per symbol, of a run set to more, says so: else it would run
  # with the run's own.
  single = {**result, 'config': {'eval_step_factor': 1}}
  assert results_table.eval_command(Path('results/x'), name.replace('1.5', '1'), single,
                                    2).endswith('--nosuites --eval_step_factor=1')
  assert results_table.step_factor(result) == 1.5
  assert results_table.step_factor({'lengths': []}) == 1  # stored before the setting


def test_a_run_begun_from_a_stored_model_of_its_presets_stage_before_is_that_presets(tmp_path,
                                                                                     monkeypatch):
  from experiments import store  # pylint: disable=import-outside-toplevel
  def after_smoke():
    return dict(presets.smoke(), start_from_preset='smoke', max_steps=4)
  presets.preset(after_smoke)
  monkeypatch.chdir(tmp_path)  # --start_from as a command gives it, relative
  try:
    Trainer(presets.config('smoke', {'seed': 1, 'max_steps': 2}), tmp_path / 'first').train()
    stored.store(tmp_path / 'first', Path('results/smoke_seed1'), preset='smoke',
                 training_state=True)
    for seed, which in ((1, 'best'), (2, 'best'), (1, 'latest')):
      config = presets.config('after_smoke', {'seed': seed, 'start_from': 'results/smoke_seed1',
                                              'start_from_checkpoint': which})
      assert config.start_from_preset == ''  # the given --start_from replaces it
      Trainer(config, tmp_path / f'second{seed}{which}').train()
    store.check_preset(tmp_path / 'second1best', 'after_smoke')
    listed = stored.store(tmp_path / 'second1best', Path('results/after_smoke_seed1'),
                          preset='after_smoke')
    assert (listed['started_from']['path'], listed['started_from']['preset'],
            listed['started_from']['checkpoint']) == ('results/smoke_seed1', 'smoke', 'best')
    assert results_table.training(listed)[0] == '2 + 4'  # the stage before counted
    # Begun from the stage's final weights: the preset still, and the table says so.
    store.check_preset(tmp_path / 'second1latest', 'after_smoke')
    listed = stored.store(tmp_path / 'second1latest', Path('results/after_smoke_final_seed1'),
                          preset='after_smoke')
    assert listed['started_from']['checkpoint'] == 'latest'
    assert results_table.training(listed)[0] == '2 (final weights) + 4'
    assert listed['trained_by_commits'] == listed['started_from']['trained_by_commits']
    with pytest.raises(ValueError, match=r"--preset=after_smoke: the run in .*second2best differs "
                       r"from it: start_from \('results/smoke_seed1' -> ''\); start_from_preset "
                       r"\('' -> 'smoke'\) \(--start_from may be a stored run of "
                       r"--preset=smoke with the same seed instead\)"):
      store.check_preset(tmp_path / 'second2best', 'after_smoke')  # begun from another seed's
  finally:
    del presets.PRESETS['after_smoke']
