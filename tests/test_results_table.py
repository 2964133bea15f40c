"""The results table's rows: final weights and more test-time steps apart, the README's
lengths, and the command that repeats an evaluation of the final weights."""
from experiments import results_table
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
      'results/x', 'eval_lengths=7,4001_examples=16_suites=false_checkpoint=latest', result)
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
