"""The results table's rows: final weights and more test-time steps apart, the README's
lengths, and the command that repeats an evaluation of the final weights; the probed
models at a glance, and a probe added to a stored run read back."""
import shutil
import subprocess
import sys

from experiments import probe_results, results_table
from neuralgpu.runs import stored
from support import ROOT


def row(length, suites=None, final=False):
  return {'length': length, 'examples': 16, 'sequences_correct': 16, 'symbol_accuracy': 1.0,
          'suites': suites or {}, 'final': final}


def test_final_weights_have_rows_of_their_own_and_short_lengths_without_suites_stay_out():
  suite = {'zero_operand': {'sequences_correct': 3, 'examples': 3}}
  model = {'manifest': {'preset': 'bmul_dngpu_full_schedule'}, 'config': {'seed': 0},
           'rows': [row(41, suite), row(7, final=True), row(41, suite, final=True),
                    row(973, final=True), row(4001, final=True)]}
  lines = [line for line in results_table.short_table([model]).splitlines()
           if line.startswith('| ')][2:]
  assert [line.split('|')[3].strip() for line in lines] == [
      '41', '41, final weights', '4,001, final weights']


def test_the_command_of_an_evaluation_of_the_final_weights_names_the_checkpoint():
  result = {'lengths': [row(7), row(4001)], 'config': {}}
  command = results_table.eval_command(
      'results/x', 'eval_lengths=7,4001_examples=16_suites=false_checkpoint=latest', result,
      1)
  assert command == ('python run.py --mode=eval --workdir=results/x --eval_lengths=7,4001 '
                     '--eval_examples=16 --nosuites --checkpoint=latest')


def test_the_final_weights_of_a_run_that_ended_on_its_best_checkpoint_are_its_best_rows():
  model, = [model for model in results_table.published(ROOT / 'results')
            if model['path'].name == 'bmul_dngpu_full_schedule_seed0']
  lengths = [row['length'] for row in model['rows']]
  assert not any(row['final'] for row in model['rows'])
  assert lengths == sorted(set(lengths)) and {41, 401, 4001} <= set(lengths)


def test_an_evaluation_with_more_steps_has_rows_of_its_own_marked_with_its_factor():
  model, = [model for model in results_table.published(ROOT / 'results')
            if model['path'].name == 'bmul_dngpu_two_stage_seed0']
  at_401 = [row for row in model['rows'] if row['length'] == 401]
  assert sorted(row['step_factor'] for row in at_401) == [1, 2]
  assert sorted(results_table.length_cell(row) for row in at_401) == ['401', '401, 2x steps']


def probed_model(preset, seed, probe_rows, rows):
  return {'manifest': {'preset': preset}, 'config': {'task': 'bmul', 'seed': seed},
          'path': ROOT / 'results' / preset, 'rows': rows, 'probe_rows': probe_rows}


def test_at_a_glance_has_a_row_per_probed_model_with_its_tests_and_probes_at_that_length():
  # 8,001 is one model's of four: no column; 4,001 three models': a column.
  suite = {'powers': {'sequences_correct': 8, 'examples': 9}}
  twice = {**row(401), 'step_factor': 2, 'sequences_correct': 15}
  reach = {'length': 401, 'question': '(bⁿ − 1) * 1', 'right': 190, 'of': 200, 'reach': 105}
  small = {'length': 401, 'question': 'a * x', 'right': 184, 'of': 189}
  models = [
      probed_model('one', 0, [reach, small],
                   [{**row(401, suite), 'step_factor': 1}, twice,
                    {**row(4001), 'step_factor': 1}, {**row(401, final=True), 'step_factor': 1}]),
      probed_model('two', 1, [small], [{**row(401, suite), 'step_factor': 1}]),
      probed_model('three', 1, [small], [{**row(401, suite), 'step_factor': 1},
                                         {**row(4001), 'step_factor': 1},
                                         {**row(8001), 'step_factor': 1}]),
      probed_model('unprobed', 2, [], [{**row(401, suite), 'step_factor': 1}]),
      # Answers with twice the steps: far out its own evaluation, marked.
      probed_model('four', 2, [small], [{**row(401, suite), 'step_factor': 2},
                                        {**row(4001), 'step_factor': 2}])]
  models[-1]['config']['eval_step_factor'] = 2
  text = results_table.at_a_glance(models)
  lines = [line.split(' | ') for line in text.splitlines() if line.startswith('| ')]
  assert text.startswith('bmul at 401:')
  assert [cell.strip('| ') for cell in lines[0]] == [
      'model', 'seed', '401', '401, 2x steps', 'suites at 401', '4,001', '(bⁿ − 1) * 1',
      'a * x']
  assert [[cell.strip('| ') for cell in line] for line in lines[2:]] == [
      ['`one`', '0', '16/16', '15/16', '8/9', '16/16', '105 (190/200)', '184/189'],
      ['`two`', '1', '16/16', 'not run', '8/9', 'not run', 'not run', '184/189'],
      ['`three`', '1', '16/16', 'not run', '8/9', '16/16', 'not run', '184/189'],
      ['`four`', '2', 'not run', '16/16', '8/9', '16/16, 2x steps', 'not run', '184/189']]


def test_a_probe_added_to_a_stored_run_is_read_as_its_probe_rows_with_its_command(
    tmp_path, monkeypatch):
  name = 'badd_dngpu_two_stage_seed0'  # not probed
  shutil.copytree(ROOT / 'results' / name, tmp_path / 'results' / name)
  monkeypatch.chdir(tmp_path)  # where reading a stored run writes
  published = tmp_path / 'results' / name
  rows = [{'length': 401, 'question': 'a + x', 'right': 184, 'of': 189, 'wrong': {'11': 3}}]
  said = probe_results.write(published, 'small_operands', {'lengths': '401', 'largest': 63},
                             step=200, seconds=12.0, rows=rows)
  assert 'reproduces' not in said and not (published / 'eval_small_operands_lengths=401_'
                                            'largest=63').exists()
  assert stored.add_evaluations(published) == ['eval_small_operands_lengths=401_largest=63']
  model, = results_table.published(tmp_path / 'results')
  assert model['probe_rows'] == rows
  assert (f'python -m experiments.small_operands --workdir={published} --lengths=401 '
          '--largest=63', 12.0) in model['commands']
  assert not any('eval_small' in command for command, _ in model['commands'])
  probe_results.write(published, 'small_operands',
                      {'lengths': '401', 'eval_step_factor': '2'},
                      step=200, seconds=12.0, rows=rows)
  stored.add_evaluations(published)
  model, = results_table.published(tmp_path / 'results')
  assert sorted(r['question'] for r in model['probe_rows']) == ['a + x', 'a + x, 2x steps']
  assert (f'python -m experiments.small_operands --workdir={published} --lengths=401 '
          '--eval_step_factor=2', 12.0) in model['commands']
  again = probe_results.write(published, 'small_operands', {'lengths': '401', 'largest': 63},
                              step=200, seconds=11.0, rows=rows)
  assert 'reproduces the stored' in again
  other = probe_results.write(published, 'small_operands', {'lengths': '401', 'largest': 63},
                              step=200, seconds=11.0, rows=[{**rows[0], 'right': 183}])
  assert 'DIFFERS from the stored' in other


def write_tables(tmp_path, details_text):
  (tmp_path / 'README.md').write_text(f'intro\n{results_table.BEGIN}\nold\n'
                                      f'{results_table.END}\nafter\n')
  (tmp_path / 'details.md').write_text(details_text)
  return subprocess.run([sys.executable, '-m', 'experiments.results_table', '--write',
                         f'--results={tmp_path / "results"}',
                         f'--readme={tmp_path / "README.md"}',
                         f'--details={tmp_path / "details.md"}'],
                        capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_write_fills_each_block_between_its_marks_or_refuses_touching_nothing(tmp_path):
  name = 'badd_dngpu_two_stage_seed0'  # not probed
  shutil.copytree(ROOT / 'results' / name, tmp_path / 'results' / name)
  begin, glance, end = results_table.BEGIN, results_table.GLANCE_BEGIN, results_table.END
  refused = write_tables(tmp_path, f'a\n{begin}\nold\n{end}\nb\n')
  assert refused.returncode == 2 and glance in refused.stderr, refused.stderr
  assert len(refused.stderr.strip().splitlines()) == 1
  assert 'old' in (tmp_path / 'README.md').read_text()  # nothing written
  written = write_tables(tmp_path, f'a\n{begin}\nold\n{end}\nb\n{glance}\nold\n{end}\nc\n')
  assert written.returncode == 0, written.stderr
  details = (tmp_path / 'details.md').read_text()
  assert 'old' not in details and details.startswith('a\n') and details.endswith('\nc\n')
  assert f'--workdir={tmp_path / "results" / name}' in details  # its commands listed
  assert 'No published model is probed yet.' in details
  assert 'old' not in (tmp_path / 'README.md').read_text()
