"""The Task interface: registry, codec, seeding, sequence tasks and bad input."""
import numpy as np
import pytest

import tasks

BUILTIN = ['add', 'badd', 'bmul', 'copy', 'duplicate', 'mul', 'qadd', 'qmul', 'reverse',
           'sort']


def test_registry_lists_the_builtin_tasks():
  assert set(BUILTIN) <= set(tasks.names())
  assert tasks.names() == sorted(tasks.names())
  for name in BUILTIN:
    task = tasks.get(name)
    assert task.name == name and task.vocab[0] == '_'


@pytest.mark.parametrize('name', BUILTIN)
def test_sample_shapes_dtypes_and_vocab(name):
  task = tasks.get(name)
  for length in task.lengths(task.min_length, 30):
    inputs, targets = task.sample(np.random.default_rng(length), 7, length)
    assert inputs.shape == targets.shape == (7, length)
    assert inputs.dtype == targets.dtype == np.int32
    assert inputs.min() >= 0 and max(inputs.max(), targets.max()) < len(task.vocab)


@pytest.mark.parametrize('name', BUILTIN)
def test_same_seed_same_batch_different_seed_different_batch(name):
  task = tasks.get(name)
  length = task.lengths(21, 30)[0]
  first = task.sample(np.random.default_rng(7), 16, length)
  again = task.sample(np.random.default_rng(7), 16, length)
  other = task.sample(np.random.default_rng(8), 16, length)
  np.testing.assert_array_equal(first[0], again[0])
  np.testing.assert_array_equal(first[1], again[1])
  assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize('name', BUILTIN)
def test_decode_inverts_encode(name):
  task = tasks.get(name)
  rng = np.random.default_rng(3)
  for _ in range(300):
    if isinstance(task, tasks.ArithmeticTask):
      a, b = (''.join(rng.choice(list(task.digits), size=rng.integers(1, 12)))
              for _ in range(2))
      text = f'{a}{task.op}{b}'  # unequal lengths and leading zeros included
    else:
      text = ''.join(rng.choice(list(task.alphabet), size=rng.integers(1, 12)))
    assert task.decode(task.encode(text)) == text


@pytest.mark.parametrize('name', BUILTIN)
def test_encode_inverts_decode_on_sampled_inputs(name):
  task = tasks.get(name)
  inputs, _ = task.sample(np.random.default_rng(0), 50, task.lengths(15, 16)[0])
  for row in inputs:  # duplicate's odd lengths end in one more pad than encode gives
    np.testing.assert_array_equal(np.trim_zeros(task.encode(task.decode(row)), 'b'),
                                  np.trim_zeros(row, 'b'))


def test_arithmetic_ids_are_little_endian():
  badd = tasks.get('badd')
  # '1011+110': operands reversed, digit d has id d + 1, '+' is the last id.
  np.testing.assert_array_equal(badd.encode('1011+110'), [2, 2, 1, 2, 3, 1, 2, 2])
  assert badd.decode([2, 1, 1, 1, 2, 0, 0, 0]) == '10001'


def test_canonical_pads_operands_to_the_same_width():
  assert tasks.get('badd').canonical('1011+110') == '1011+0110'
  assert tasks.get('mul').canonical('7*123') == '007*123'
  assert tasks.get('sort').canonical('dcba') == 'dcba'


def test_sequence_tasks_against_python_references():
  rng = np.random.default_rng(11)
  for length in (1, 2, 7, 30):
    inputs, targets = tasks.get('copy').sample(rng, 100, length)
    np.testing.assert_array_equal(targets, inputs)
    inputs, targets = tasks.get('reverse').sample(rng, 100, length)
    assert [list(t) for t in targets] == [list(reversed(list(x))) for x in inputs]
    inputs, targets = tasks.get('sort').sample(rng, 100, length)
    assert [list(t) for t in targets] == [sorted(x) for x in inputs]
  duplicate = tasks.get('duplicate')
  for length in (2, 3, 8, 31):
    inputs, targets = duplicate.sample(rng, 100, length)
    for x, t in zip(inputs, targets):
      text = duplicate.decode(x)
      assert len(text) == length // 2 and not x[length // 2:].any()
      assert duplicate.decode(t) == text + text and t[2 * len(text):].sum() == 0


def test_a_registered_task_works_everywhere():

  class Increment(tasks.ArithmeticTask):
    """A user task reusing the arithmetic codec: a + 1 ignoring b (for the test)."""

  task = tasks.register(Increment('test_user_task', base=3, op='+'))
  assert 'test_user_task' in tasks.names() and tasks.get('test_user_task') is task
  inputs, targets = task.sample(np.random.default_rng(0), 4, 9)
  assert inputs.shape == targets.shape == (4, 9)


def one_line_value_error(call, *must_mention):
  with pytest.raises(ValueError) as caught:
    call()
  message = str(caught.value)
  assert '\n' not in message
  for word in must_mention:
    assert word in message, f'{message!r} should mention {word!r}'


BAD_CALLS = {
    'unknown task': (lambda: tasks.get('nosuch'), 'nosuch', 'badd', 'sort'),
    'task name not a string': (lambda: tasks.get(3), '3', 'badd'),
    'even arithmetic length': (
        lambda: tasks.get('badd').sample(np.random.default_rng(0), 2, 8), '8', '3, 5, 7'),
    'length below min_length': (
        lambda: tasks.get('duplicate').sample(np.random.default_rng(0), 2, 1), '1', '>= 2'),
    'float length': (
        lambda: tasks.get('copy').sample(np.random.default_rng(0), 2, 4.0), '4.0'),
    'batch size 0': (
        lambda: tasks.get('copy').sample(np.random.default_rng(0), 0, 4), 'batch_size', '>= 1'),
    'batch size True': (
        lambda: tasks.get('copy').sample(np.random.default_rng(0), True, 4), 'batch_size'),
    'seed instead of rng': (lambda: tasks.get('copy').sample(0, 2, 4), 'default_rng'),
    'wrong symbol': (lambda: tasks.get('badd').encode('1021+1'), "'2'", '0 1 +'),
    'missing operator': (lambda: tasks.get('badd').encode('1011'), "'+'", '11+10'),
    'two operators': (lambda: tasks.get('mul').encode('1*2*3'), "'*'"),
    'empty operand': (lambda: tasks.get('add').encode('+12'), "'+'"),
    'wrong operator': (lambda: tasks.get('add').encode('12*3'), "'*'", '9 +'),
    'not a string': (lambda: tasks.get('add').encode(12), 'string'),
    'empty sequence text': (lambda: tasks.get('sort').encode(''), 'abcd'),
    'symbol outside alphabet': (lambda: tasks.get('sort').encode('abz'), "'z'", 'a b c d'),
    'decode unknown id': (lambda: tasks.get('badd').decode([1, 9]), '9', '0..3'),
    'decode 2-D ids': (lambda: tasks.get('badd').decode([[1]]), '1-D'),
    'register a non-task': (lambda: tasks.register('badd'), 'tasks.Task'),
    'register a taken name': (
        lambda: tasks.register(tasks.ArithmeticTask('badd', 2, '+')), 'badd', 'already'),
    'bad task name': (lambda: tasks.ArithmeticTask('Bad Name', 2, '+'), 'lowercase'),
    'bad base': (lambda: tasks.ArithmeticTask('b11', 11, '+'), '2..10'),
    'bad operator': (lambda: tasks.ArithmeticTask('bsub', 2, '-'), "'+' or '*'"),
    'unknown split': (lambda: tasks.split_rng('badd', 'dev', 5), 'train, validation, test'),
    'negative split seed': (lambda: tasks.split_rng('badd', 'test', 5, seed=-1), '>= 0'),
    'malformed arithmetic targets input': (
        lambda: tasks.get('badd').targets(np.array([[1, 2, 1]])), "'+'"),
}


@pytest.mark.parametrize('case', sorted(BAD_CALLS))
def test_bad_input_is_one_line_value_error_naming_what_is_valid(case):
  call, *must_mention = BAD_CALLS[case]
  one_line_value_error(call, *must_mention)
