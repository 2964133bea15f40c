"""Evaluation metrics, batching by length, the results table and the generalization plot."""
import numpy as np

import tasks
from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate, report, tables


def test_an_error_only_in_the_padding_makes_the_sequence_wrong():
  targets = np.array([[2, 3, 0, 0], [2, 2, 3, 0]])
  predictions = np.array([[2, 3, 1, 0], [2, 2, 3, 0]])  # a symbol after the answer ends
  result = evaluate.scores(predictions, targets)
  assert result == {'examples': 2, 'symbol_accuracy': 7 / 8, 'sequence_accuracy': 0.5,
                    'sequences_correct': 1}


def test_solved_is_every_sequence_right_near_and_99_percent_far():
  assert evaluate.solved(1.0, 1.0) and evaluate.solved(1.0, 0.99)
  assert not evaluate.solved(1.0, 0.989)  # 1 wrong in 64, the trainer's far check
  assert not evaluate.solved(127 / 128, 1.0)


def test_failures_are_decoded_wrong_answers_only():
  task = tasks.get('badd')
  inputs = np.stack([task.encode('01+01'), task.encode('11+01')])
  targets = task.targets(inputs)
  predictions = targets.copy()
  predictions[1, 0] = 2  # 100 -> 101
  assert evaluate.failures(task, inputs, predictions, targets) == [
      {'input': '11+01', 'model': '101', 'true': '100'}]


def test_a_wrong_suite_answer_is_decoded_under_its_suite():
  task, config = tasks.get('badd'), Config()
  maximal = task.eval_suites(9)['all_maximal'][0][0]

  def predict(inputs):  # right but for the lowest digit of the all-maximal input's sum
    targets = task.targets(inputs)
    targets[(inputs == maximal).all(axis=1), 0] = task.encode('1+1')[0]  # a 1 for its 0
    return targets

  row, = evaluate.evaluate_lengths(predict, task, config, [9], 5)
  assert row['failures'] == [] and row['suites']['carry_chain']['failures'] == []
  wrong, = row['suites']['all_maximal']['failures']
  assert wrong['input'] == task.decode(maximal) == '1111+1111'
  assert (wrong['model'], wrong['true']) == ('11111', '11110')


def test_a_short_wrong_answer_is_printed_whole_a_long_one_by_its_ends_and_differences():
  short = {'input': '11+01', 'model': '101', 'true': '100'}
  assert tables.wrong_answer(short) == '11+01\n    model: 101\n    true:  100'
  a, b = '1' * 999, '0' * 998 + '1'
  true = bin(int(a, 2) + int(b, 2))[2:]
  model = true[:500] + '1' + true[501:700] + '1' + true[701:]  # two 0s of the sum read as 1s
  lines = tables.wrong_answer({'input': f'{a}+{b}', 'model': model, 'true': true}).split('\n')
  assert lines[0] == '1' * 40 + '…(1919 more)…' + '0' * 39 + '1'
  assert lines[1] == '    model: 1' + '0' * 39 + '…(920 more)…' + '0' * 40
  assert lines[3] == ('    2 of 1000 characters differ, at positions 501 to 701 from the left '
                      '(in full in results.json)')
  longer = tables.wrong_answer({'input': f'{a}+{b}', 'model': '0' + true, 'true': true})
  assert longer.endswith("; the model's answer has 1001 characters, the true one 1000 "
                         '(in full in results.json)')


def test_evaluation_uses_the_same_examples_whatever_the_model():
  task, config = tasks.get('badd'), Config()
  calls = []

  def predict(inputs):
    calls.append(inputs.copy())
    return task.targets(inputs)  # a perfect model

  rows = evaluate.evaluate_lengths(predict, task, config, [9, 41], 5)
  assert [r['length'] for r in rows] == [9, 41]
  assert all(r['sequence_accuracy'] == 1.0 and r['failures'] == [] for r in rows)
  assert rows[1]['suites']['carry_chain']['sequences_correct'] == len(
      task.eval_suites(41)['carry_chain'][0])
  first = np.concatenate([c for c in calls if c.shape[1] == 41])
  calls.clear()
  evaluate.evaluate_lengths(predict, task, config, [41], 5)
  np.testing.assert_array_equal(np.concatenate(calls), first)


def test_batches_shrink_with_length_within_the_memory_and_work_budgets():
  config = Config(maps=512)
  sizes = [evaluate.batch_size(config, n) for n in (41, 201, 401, 2001, 4001)]
  assert sizes == sorted(sizes, reverse=True) and sizes[0] == evaluate.MAX_BATCH
  assert sizes[-1] == 1
  for n, size in zip((41, 201, 401, 2001), sizes):
    per_example = n * config.height * config.maps * 12 * 4  # 12 states alive, float32
    assert size * per_example <= evaluate.ACTIVATION_BUDGET
    assert size * n**2 <= evaluate.MAX_BATCH_WORK


def result(name, accuracies):
  lengths = [41, 401, 4001]
  return {'name': name, 'task': 'badd', 'lengths': [
      {'length': n, 'examples': 8, 'symbol_accuracy': a, 'sequence_accuracy': a / 2,
       'sequences_correct': int(8 * a / 2), 'suites': {'carry_chain': {
           'examples': 3, 'sequences_correct': 2}}} for n, a in zip(lengths, accuracies)]}


def test_plot_has_a_log_length_axis_and_a_line_per_model():
  figure = report.plot([result('a', [1.0, 0.5, 0.25]), result('b', [1.0, 1.0, 0.75])])
  symbol, sequence = figure.axes[:2]
  for ax in (symbol, sequence):
    assert ax.get_xscale() == 'log' and 'length' in ax.get_xlabel()
    assert [line.get_label() for line in ax.get_lines()] == ['a', 'b']
    assert list(ax.get_lines()[0].get_xdata()) == [41, 401, 4001]
  assert 'symbol' in symbol.get_ylabel() and 'sequence' in sequence.get_ylabel()
  assert list(symbol.get_lines()[1].get_ydata()) == [100.0, 100.0, 75.0]
  assert list(sequence.get_lines()[0].get_ydata()) == [50.0, 25.0, 12.5]


def test_table_has_a_row_per_model_and_length_with_the_suites(tmp_path):
  results = [result('a', [1.0, 0.5, 0.25]), result('b', [1.0, 1.0, 0.75])]
  lines = tables.results(results).splitlines()
  assert lines[0].startswith('| model | length |') and 'carry_chain' in lines[0]
  assert lines[2] == '| a | 41 | 8 | 100.00% | 50.00% (4/8) | 2/3 |'
  assert len([line for line in lines if line.startswith('| b |')]) == 3
  report.write(results, tmp_path)
  assert {p.name for p in tmp_path.iterdir()} == {'results.json', 'table.md',
                                                  'generalization.png'}


def test_solved_judges_random_inputs_and_every_suite_alike():
  def row(length, random, suite):
    return {'length': length, 'sequence_accuracy': random,
            'suites': {'carry_chain': {'sequence_accuracy': suite}}}
  assert evaluate.solved_results([row(41, 1.0, 1.0), row(401, 0.99, 0.995)], 41, 401)
  assert not evaluate.solved_results([row(41, 1.0, 0.98), row(401, 1.0, 1.0)], 41, 401)
  assert not evaluate.solved_results([row(41, 1.0, 1.0), row(401, 1.0, 0.98)], 41, 401)
  assert evaluate.solved_results([{'length': 41, 'sequence_accuracy': 1.0},
                                  {'length': 401, 'sequence_accuracy': 0.99}], 41, 401)


def test_every_wrong_answer_is_kept_and_a_few_are_printed(capsys, tmp_path):
  """results.json keeps every wrong answer; the run prints the first few and where the
  rest are. A stored evaluation written when only three were kept still reproduces."""
  from neuralgpu.runs import actions, stored  # pylint: disable=import-outside-toplevel
  task, config = tasks.get('badd'), Config()

  def predict(inputs):  # every answer wrong in its lowest digit
    targets = task.targets(inputs)
    one, zero = task.encode('1+1')[0], task.encode('0+0')[0]
    targets[:, 0] = np.where(targets[:, 0] == one, zero, one)
    return targets

  rows = evaluate.evaluate_lengths(predict, task, config, [9], 7, suites=False)
  assert len(rows[0]['failures']) == 7
  actions.print_wrong_answers(rows, tmp_path / 'results.json')
  printed = capsys.readouterr().out
  assert printed.count('wrong at length 9: ') == evaluate.FAILURES_SHOWN == 3
  assert f'and 4 more wrong answers, every one in {tmp_path / "results.json"}' in printed
  result = {'checkpoint_step': 1, 'lengths': rows}
  older = {'checkpoint_step': 1, 'lengths': [{**rows[0], 'failures': rows[0]['failures'][:3]}]}
  assert stored.differences(result, older) == []
  other = {'checkpoint_step': 1, 'lengths': [{**rows[0], 'failures': rows[0]['failures'][1:4]}]}
  differ, = stored.differences(result, other)
  assert differ.startswith('length 9 random: 0/7 right, ')
