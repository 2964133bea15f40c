"""Two-operand tasks of any function (tasks.TwoOperandTask): a user's XOR from a file given
to --imports, checked against Python's operators on random and suite inputs, as a TFDS
dataset, and trained, evaluated and decoded by run.py; addition and multiplication are
tasks of the same kind; every mistake in a declaration is refused in one line."""
import json
import operator
import subprocess
import sys

import numpy as np
import pytest
import tensorflow_datasets as tfds

import tasks
import tasks.tfds_builder  # registers the datasets, of tasks registered later too
from neuralgpu import imports
from neuralgpu.config import Config
from support import ROOT
from test_tfds_builder import assert_split_equals_generator, load_split

# What the README shows: a user's task in a few lines.
XOR_FILE = '''
import operator

import tasks

tasks.register(tasks.TwoOperandTask('bxor', base=2, op='^', function=operator.xor,
                                    result_digits=lambda k: k))
'''
SUITES = {'carry_chain', 'all_maximal', 'leading_zeros', 'short_operands', 'sparse',
          'same_operand', 'zero_operand'}


@pytest.fixture(scope='module')
def xor_file(tmp_path_factory):
  """The user's file, imported once: a task name is registered once per process."""
  path = tmp_path_factory.mktemp('user') / 'xor_tasks.py'
  path.write_text(XOR_FILE)
  imports.load(str(path))
  return path


@pytest.fixture(scope='module')
def xor(xor_file):
  del xor_file  # registers it
  return tasks.get('bxor')


def python_targets(task, inputs, function):
  """The targets from Python ints read straight off the ids, sharing no task code."""
  expected = np.zeros_like(inputs)
  for i, row in enumerate(inputs):
    op_at = list(row).index(task.op_id)
    a = sum(int(d - 1) * task.base**n for n, d in enumerate(row[:op_at]))
    b = sum(int(d - 1) * task.base**n for n, d in enumerate(row[op_at + 1:]))
    result = np.base_repr(function(a, b), task.base)
    expected[i, :len(result)] = [int(d) + 1 for d in reversed(result)]
  return expected


def test_xor_from_a_users_file_is_a_registered_task(xor):
  assert isinstance(xor, tasks.TwoOperandTask)
  assert xor.vocab == ('_', '0', '1', '^') and 'bxor' in tasks.names()
  assert xor.decode(xor.targets(xor.encode('1011^110')[None])[0]) == '1101'
  assert xor.decode(xor.encode('0011^1')) == '0011^1'
  assert xor.canonical('1011^110') == '1011^0110'


def test_xor_targets_are_pythons_xor_on_random_inputs(xor):
  rng = np.random.default_rng(5)
  for length in (3, 5, 9, 21, 41, 201, 2001):
    inputs, targets = xor.sample(rng, 200 if length < 2001 else 8, length)
    assert inputs[:, length // 2].tolist() == [xor.op_id] * len(inputs)
    np.testing.assert_array_equal(targets, python_targets(xor, inputs, operator.xor))


@pytest.mark.parametrize('length', [3, 5, 41, 401])
def test_xor_suites_are_those_of_addition_with_pythons_xor(xor, length):
  suites, addition = xor.eval_suites(length), tasks.get('badd').eval_suites(length)
  assert set(suites) == SUITES - ({'short_operands'} if length == 3 else set())
  for name, (inputs, targets) in suites.items():
    np.testing.assert_array_equal(inputs[:, length // 2], xor.op_id)
    # The same operands as addition's, written with '^'.
    np.testing.assert_array_equal(np.where(inputs == xor.op_id, 0, inputs),
                                  np.where(addition[name][0] == 3, 0, addition[name][0]))
    np.testing.assert_array_equal(targets, python_targets(xor, inputs, operator.xor))


def test_xor_has_the_target_forms_and_hard_samplers_of_arithmetic(xor):
  zero_filled = xor.with_target_form('zero_filled')
  assert zero_filled is not xor and not xor.zero_filled
  assert zero_filled.decode(zero_filled.targets(xor.encode('0110^0011')[None])[0]) == '101'
  np.testing.assert_array_equal(zero_filled.targets(xor.encode('0110^0011')[None])[0],
                                [2, 1, 2, 1, 1, 1, 1, 1, 1])
  structured = xor.with_hard_sampler('structured')
  inputs = structured.random_hard_training_inputs(np.random.default_rng(0), 64, 21)
  assert not np.array_equal(inputs, xor.random_hard_training_inputs(
      np.random.default_rng(0), 64, 21))
  np.testing.assert_array_equal(structured.targets(inputs),
                                python_targets(xor, inputs, operator.xor))


def test_the_tfds_dataset_of_the_users_task_holds_the_tasks_examples(xor, tmp_path):
  assert 'bxor' in tfds.list_builders(with_community_datasets=False)
  for split in ('train', 'test'):
    examples = load_split('bxor/tiny', split, str(tmp_path))
    assert_split_equals_generator(xor, 'tiny', split, examples)
    for example in examples[:20]:
      np.testing.assert_array_equal(
          example['targets'], python_targets(xor, example['inputs'][None], operator.xor)[0])


OTHER_FUNCTIONS = {
    'absolute difference': (dict(op='-', function=lambda a, b: abs(a - b),
                                 result_digits=lambda k: k), lambda a, b: abs(a - b)),
    'subtraction, larger first': (dict(op='-', function=operator.sub, larger_first=True,
                                       result_digits=lambda k: k), operator.sub),
    'max': (dict(op='m', function=max, result_digits=lambda k: k), max),
    'a squared plus b, no declaration': (dict(op='s', function=lambda a, b: a * a + b),
                                         lambda a, b: a * a + b),
}


@pytest.mark.parametrize('case', sorted(OTHER_FUNCTIONS))
@pytest.mark.parametrize('base', [2, 10])
def test_other_functions_match_python(case, base):
  settings, function = OTHER_FUNCTIONS[case]
  task = tasks.TwoOperandTask(f'test_{base}', base=base, **settings)
  rng = np.random.default_rng(base)
  for length in (3, 9, 41):
    inputs, targets = task.sample(rng, 100, length)
    hard = task.with_hard_sampler('structured').random_hard_training_inputs(rng, 50, length)
    suites = [x for x, _ in task.eval_suites(length).values()]
    for x in [inputs, hard, *suites]:
      np.testing.assert_array_equal(task.targets(x), python_targets(task, x, function))
      if task.larger_first:  # every input has a >= b, where a - b is defined
        pairs = [task.decode(row).split('-') for row in x]
        assert all(int(a, base) >= int(b, base) for a, b in pairs)


@pytest.mark.parametrize('name', ['badd', 'qadd', 'mul', 'bmul'])
def test_addition_and_multiplication_are_two_operand_tasks_of_their_operators(name):
  """Their digit arithmetic gives what the general path computes with Python ints."""
  task = tasks.get(name)
  assert isinstance(task, tasks.TwoOperandTask)
  assert task.function is {'+': operator.add, '*': operator.mul}[task.op]
  a, b = (np.random.default_rng(0).integers(0, task.base, size=(300, 40)) for _ in 'ab')
  a[:10], b[:10] = task.base - 1, task.base - 1  # the longest results
  np.testing.assert_array_equal(task.results(a, b), tasks.TwoOperandTask.results(task, a, b))


def make(**settings):
  return lambda: tasks.TwoOperandTask('test_bad', **{'base': 2, 'op': '^',
                                                     'function': operator.xor, **settings})


def power_of_a_long_operand():
  """(10^30 - 1)^3: 90 digits, for a target of 61 (a power of one digit fits in 3)."""
  task = tasks.TwoOperandTask('test_bad', 10, 'p', lambda a, b: a**b if a > 9 else a)
  return task.targets(task.encode('9' * 30 + 'p' + '0' * 29 + '3')[None])


MISTAKES = {
    'negative result': (make(op='-', function=operator.sub), "0-1 gives -1", 'larger_first'),
    'result longer than declared': (make(op='+', function=operator.add,
                                         result_digits=lambda k: k), "1+1 has 2 digits",
                                    'the 1 its result_digits allows'),
    'declaration beyond the input': (make(result_digits=lambda k: 3 * k),
                                     'result_digits(2) is 6', '1..5'),
    'declaration not a function': (make(result_digits=3), 'lambda k'),
    'function raises': (make(op='/', function=operator.floordiv), 'ZeroDivisionError',
                        '0/0'),
    'function gives a float': (make(op='/', function=lambda a, b: a / (b + 1)), 'float',
                               'an int'),
    'function not callable': (make(function='xor'), 'operator.xor'),
    'operator is a digit': (make(op='1'), "'1'", 'other than a digit'),
    'operator of two characters': (make(op='**'), "'**'", 'one printable character'),
    'base too large': (make(base=16), '2..10'),
    'result longer than the target': (power_of_a_long_operand, '(30 digits)p3 has 90 digits',
                                      'the 61 a target of 30-digit operands holds'),
}


@pytest.mark.parametrize('case', sorted(MISTAKES))
def test_a_users_mistake_is_refused_in_one_line_saying_what_is_valid(case):
  call, *words = MISTAKES[case]
  with pytest.raises(ValueError) as caught:
    call()
  message = str(caught.value)
  assert '\n' not in message and message.startswith('test_bad'), message
  assert all(word in message for word in words), message
  assert 'test_bad' not in tasks.names()


def test_an_error_inside_an_imported_module_names_the_module_its_line_and_error(tmp_path):
  bad = tmp_path / 'bad_tasks.py'
  bad.write_text(XOR_FILE.replace("'bxor'", "'bsub'").replace('operator.xor', 'operator.sub'))
  with pytest.raises(ValueError) as caught:
    imports.load(str(bad))
  message = str(caught.value)
  assert message.startswith(f'--imports: {bad} line 6 raised ValueError: bsub: 0^1 gives -1')
  assert 'give module names' not in message and '\n' not in message
  with pytest.raises(ValueError, match='no_such_module_x is not found.*give module names'):
    imports.load('no_such_module_x')


def test_an_unknown_task_lists_the_valid_ones_and_points_to_imports():
  with pytest.raises(ValueError) as caught:
    Config(task='nosuch').validate()
  message = str(caught.value)
  assert '\n' not in message and "unknown task 'nosuch'" in message
  assert 'badd, bmul' in message and '--imports' in message


def command(*args, cwd):
  return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                        cwd=cwd, timeout=900)


@pytest.mark.slow
def test_run_py_trains_evaluates_and_decodes_the_users_task(xor_file, tmp_path):
  workdir = tmp_path / 'run'
  trained = command(ROOT / 'run.py', f'--imports={xor_file.name}', '--experiment=smoke',
                    '--task=bxor', '--eval_lengths=9,41', f'--workdir={workdir}',
                    cwd=xor_file.parent)
  assert trained.returncode == 0, trained.stderr[-2000:]
  results = json.loads((workdir / 'eval' / 'results.json').read_text())
  assert [row['length'] for row in results['lengths']] == [9, 41]
  for row in results['lengths']:
    assert set(row['suites']) == SUITES
    assert 0 <= row['sequence_accuracy'] <= 1
  # The run names its module: reading it needs no --imports, from anywhere.
  decoded = command(ROOT / 'run.py', '--mode=decode', f'--workdir={workdir}',
                    '--input=1011^110', cwd=ROOT)
  assert decoded.returncode == 0, decoded.stderr[-2000:]
  assert 'true:   1101' in decoded.stdout, decoded.stdout
