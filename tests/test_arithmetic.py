"""Arithmetic tasks checked against Python integer arithmetic, an independent oracle."""
import numpy as np
import pytest

import tasks
from tasks import structured_operands

ARITHMETIC = ['badd', 'qadd', 'add', 'bmul', 'qmul', 'mul']
# (length, batch): 12,000 random examples per task, from 1-digit to 100-digit operands.
RANDOM_BATCHES = [(3, 1000), (5, 1000), (9, 2000), (21, 3000), (41, 3000), (81, 1500),
                  (201, 500)]


def oracle_targets(task, inputs):
  """Targets computed with Python ints straight from the ids, sharing no task code."""
  expected = np.zeros_like(inputs)
  for i, row in enumerate(inputs):
    op_at = list(row).index(task.op_id)
    a = sum(int(d - 1) * task.base**n for n, d in enumerate(row[:op_at]))
    b = sum(int(d - 1) * task.base**n for n, d in enumerate(row[op_at + 1:]))
    result = np.base_repr(a + b if task.op == '+' else a * b, task.base)
    expected[i, :len(result)] = [int(d) + 1 for d in reversed(result)]
  return expected


@pytest.mark.parametrize('name', ARITHMETIC)
def test_random_examples_match_integer_arithmetic(name):
  task = tasks.get(name)
  rng = np.random.default_rng(1234)
  total = 0
  for length, batch in RANDOM_BATCHES:
    inputs, targets = task.sample(rng, batch, length)
    assert inputs.dtype == targets.dtype == np.int32
    assert inputs.shape == targets.shape == (batch, length)
    assert inputs[:, length // 2].tolist() == [task.op_id] * batch
    np.testing.assert_array_equal(targets, oracle_targets(task, inputs))
    total += batch
  assert total >= 10_000


@pytest.mark.parametrize('name', ARITHMETIC)
def test_random_operands_cover_all_digits_and_leading_zeros(name):
  task = tasks.get(name)
  inputs, _ = task.sample(np.random.default_rng(0), 500, 11)
  assert set(np.unique(inputs)) == set(range(1, len(task.vocab)))
  assert np.any(inputs[:, 4] == 1), 'some first operand should have a leading zero'


@pytest.mark.parametrize('name', ARITHMETIC)
@pytest.mark.parametrize('length', [3, 5, 41, 2001])
def test_eval_suites_match_integer_arithmetic(name, length):
  task = tasks.get(name)
  suites = task.eval_suites(length)
  short = {'short_operands'} if length > 3 else set()  # 1-digit operands are not short
  powers = {'powers'} if task.op == '*' else set()
  assert set(suites) == {'carry_chain', 'all_maximal', 'leading_zeros', 'zero_operand',
                         'sparse', 'same_operand'} | short | powers
  np.testing.assert_array_equal(task.eval_suites(length)['sparse'][0], suites['sparse'][0])
  for inputs, targets in suites.values():
    assert inputs.shape == targets.shape and inputs.shape[1] == length
    assert len({row.tobytes() for row in inputs}) == len(inputs), 'duplicate picks'
    np.testing.assert_array_equal(targets, oracle_targets(task, inputs))


@pytest.mark.parametrize('name', ARITHMETIC)
def test_eval_suites_are_the_documented_operands(name):
  task = tasks.get(name)
  top, op, k = task.digits[-1], task.op, 6
  two = '10' if task.base == 2 else '2'
  texts = {suite: {task.decode(row) for row in inputs}
           for suite, (inputs, _) in task.eval_suites(2 * k + 1).items()}
  assert f'0{top * (k - 1)}{op}00000{task.digits[1]}' in texts['carry_chain']
  assert f'{top * k}{op}{top * k}' in texts['all_maximal']
  assert f'{two:0>6}{op}{two:0>6}' in texts['leading_zeros']
  assert f'000000{op}000000' in texts['zero_operand']
  assert f'{top * 6}{op}000001' in texts['carry_chain']  # 2^6-1 + 1 and 1 + 2^6-1
  assert f'000001{op}{top * 6}' in texts['carry_chain']
  if op == '*':  # 1 * x, x * 1 and base^5 * x
    assert sum(f'000001{op}' in text or text.endswith(f'{op}000001')
               for text in texts['powers']) == 2
    assert any(text.startswith(f'1{"0" * 5}{op}') for text in texts['powers'])


def test_adding_the_powers_suite_left_the_other_suites_as_they_were():
  k = 20
  for base in (2, 10):
    added, multiplied = (structured_operands.arithmetic_suites(k, base, op)
                         for op in ('+', '*'))
    assert multiplied.pop('powers') and multiplied == added


def operands(task, inputs):
  """(a, b) as written, most significant digit first, of each input."""
  return [tuple(task.decode(row).split(task.op)) for row in inputs]


@pytest.mark.parametrize('name', ['badd', 'add', 'bmul'])
def test_the_structured_suites_hold_what_their_names_say(name):
  task, k = tasks.get(name), 100
  suites = {suite: operands(task, inputs)
            for suite, (inputs, _) in task.eval_suites(2 * k + 1).items()}
  nonzero = [sum(d != '0' for d in x) for pair in suites['sparse'] for x in pair]
  assert len(suites['sparse']) == 8 and max(nonzero) <= 3 and min(nonzero) >= 1
  assert all(a == b for a, b in suites['same_operand']) and len(suites['same_operand']) == 6
  zeros = '0' * k
  assert sum(b == zeros != a for a, b in suites['zero_operand']) == 5  # a + 0
  assert sum(a == zeros != b for a, b in suites['zero_operand']) == 5  # 0 + a
  short = {len(x.lstrip('0')) for pair in suites['short_operands'] for x in pair}
  assert short == {1, 2, 4, 8, 16, 32, 64, 100}
  # Chains of each tested length start at the lowest digit, in the middle and at the top.
  top = task.digits[-1]
  starts = {(x.count(top), len(x) - len(x.rstrip('0')))
            for pair in suites['carry_chain'] for x in pair if x.count(top) > 1}
  for n in structured_operands.chain_lengths(k)[1:-1]:
    assert {s for m, s in starts if m == n} == {0, (k - n) // 2, k - n}, n


def test_known_answers():
  badd, bmul, add, mul = (tasks.get(n) for n in ('badd', 'bmul', 'add', 'mul'))
  assert badd.decode(badd.targets(badd.encode('1011+110')[None])[0]) == '10001'
  assert bmul.decode(bmul.targets(bmul.encode('0010*0010')[None])[0]) == '100'
  assert add.decode(add.targets(add.encode('999+001')[None])[0]) == '1000'
  assert mul.decode(mul.targets(mul.encode('000*987')[None])[0]) == '0'


def test_results_far_beyond_python_string_limits():
  """5,000-digit operands: CPython refuses int('9' * 5000) by default."""
  add, mul = tasks.get('add'), tasks.get('mul')
  nines = '9' * 5000
  total = add.targets(add.encode(f'{nines}+{"0" * 4999}1')[None])[0]
  assert add.decode(total) == '1' + '0' * 5000
  product = mul.decode(mul.targets(mul.encode(f'{nines}*{nines}')[None])[0])
  assert product == '9' * 4999 + '8' + '0' * 4999 + '1'


def test_targets_as_long_as_inputs_with_padding_after_the_answer():
  task = tasks.get('badd')
  inputs, targets = task.sample(np.random.default_rng(5), 200, 21)
  for row in targets:
    answer = np.flatnonzero(row)
    assert answer.size and answer[-1] == answer.size - 1, 'padding only after the answer'
    assert answer.size == 1 or row[answer[-1]] != 1, 'no leading zero digit'


def longest_propagate_runs(task, inputs):
  """Per row, the most consecutive digit positions whose two digits sum to base - 1."""
  k = (inputs.shape[1] - 1) // 2
  digits = inputs - 1
  return np.array([longest_run(row[:k] + row[k + 1:] == task.base - 1)[1] for row in digits])


@pytest.mark.parametrize('name', ['badd', 'qadd', 'add'])
def test_hard_random_additions_hold_long_carry_chains(name):
  task = tasks.get(name)
  rng = np.random.default_rng(7)
  hard = task.random_hard_training_inputs(rng, 400, 201)
  uniform = task.random_inputs(rng, 400, 201)
  np.testing.assert_array_equal(task.targets(hard), oracle_targets(task, hard))
  # Runs are drawn uniformly up to k = 100 digits; uniform digits rarely exceed ~10.
  assert longest_propagate_runs(task, hard).mean() > 40
  assert longest_propagate_runs(task, uniform).mean() < 12


@pytest.mark.parametrize('name', ['badd', 'add'])
def test_hard_random_carry_chains_carry_half_the_time(name):
  """A sampler that always put a carry before the run taught a model that long runs
  carry; the chain must not give its answer away."""
  task = tasks.get(name)
  inputs = task.random_hard_training_inputs(np.random.default_rng(11), 400, 81)
  k = 40
  carried = []
  for row in inputs:
    digits = row - 1
    start, _ = longest_run(digits[:k] + digits[k + 1:] == task.base - 1)
    low = base_int(digits[:start], task.base) + base_int(digits[k + 1:k + 1 + start],
                                                          task.base)
    carried.append(low >= task.base**start)
  assert 0.4 < np.mean(carried) < 0.6


def longest_run(flags):
  """(start, length) of the first longest run of True in flags."""
  best, run = (0, 0), 0
  for i, flag in enumerate(flags):
    run = run + 1 if flag else 0
    if run > best[1]:
      best = (i - run + 1, run)
  return best


def base_int(little_endian_digits, base):
  return sum(int(d) * base**n for n, d in enumerate(little_endian_digits))


def test_hard_random_multiplications_are_uniform_samples():
  task = tasks.get('bmul')
  hard = task.random_hard_training_inputs(np.random.default_rng(3), 50, 21)
  np.testing.assert_array_equal(hard, task.random_inputs(np.random.default_rng(3), 50, 21))


@pytest.mark.parametrize('k', [1, 3, 20, 1000])
def test_carry_chain_suite_holds_a_chain_of_each_tested_length(k):
  task = tasks.get('badd')
  inputs, _ = task.eval_suites(2 * k + 1)['carry_chain']
  first_operands = {task.decode(row).split('+')[0] for row in inputs}
  lengths = structured_operands.chain_lengths(k)
  assert lengths[:8] == list(range(1, min(k, 8) + 1)) and lengths[-1] == k
  assert all(b == min(2 * a, k) for a, b in zip(lengths[7:], lengths[8:]))
  for n in lengths:  # n ones plus 1: a carry through n digits
    assert ('0' * (k - n) + '1' * n) in first_operands, n


@pytest.mark.parametrize('name', ARITHMETIC)
def test_zero_filled_targets_are_the_result_with_zeros_up_to_the_input_length(name):
  """DNGPU's bmul target (data_utils_2.rand_pair: to_base(product, base, length))."""
  task = tasks.get(name).with_target_form('zero_filled')
  assert task.name == name and task.with_target_form('padded').zero_filled is False
  inputs, targets = task.sample(np.random.default_rng(7), 500, 21)
  padded = oracle_targets(task, inputs)
  np.testing.assert_array_equal(targets, np.where(padded == 0, 1, padded))  # digit 0 is id 1
  # Inputs padded to a bin: the zeros stop at the input's own end.
  row = np.concatenate([inputs[0], [0, 0, 0]])
  np.testing.assert_array_equal(task.targets(row[None])[0],
                                np.concatenate([targets[0], [0, 0, 0]]))


def test_a_zero_filled_answer_is_shown_as_a_number():
  bmul = tasks.get('bmul')
  zero_filled = bmul.with_target_form('zero_filled')
  question = bmul.encode('110*11')
  assert bmul.decode(bmul.targets(question[None])[0]) == '10010'
  assert zero_filled.decode(zero_filled.targets(question[None])[0]) == '10010'
  assert zero_filled.decode(zero_filled.targets(bmul.encode('0*0')[None])[0]) == '0'
  assert bmul.decode(np.array([1, 2, 2, 1])) == '0110'  # padded form: shown as written


def test_only_arithmetic_tasks_have_zero_filled_targets():
  with pytest.raises(ValueError, match='padded targets only'):
    tasks.get('copy').with_target_form('zero_filled')
  assert tasks.get('copy').with_target_form('padded') is tasks.get('copy')


@pytest.mark.parametrize('name', ARITHMETIC)
@pytest.mark.parametrize('length', [3, 41])
def test_structured_training_inputs_match_integer_arithmetic(name, length):
  task = tasks.get(name).with_hard_sampler('structured')
  inputs = task.random_hard_training_inputs(np.random.default_rng(2), 300, length)
  assert inputs.shape == (300, length) and inputs.dtype == np.int32
  np.testing.assert_array_equal(task.targets(inputs), oracle_targets(task, inputs))


@pytest.mark.parametrize('name', ['badd', 'bmul'])
def test_structured_training_inputs_draw_every_kind_of_the_suites(name):
  task, k = tasks.get(name).with_hard_sampler('structured'), 20
  pairs = operands(task, task.random_hard_training_inputs(np.random.default_rng(4), 2000, 2 * k + 1))
  top, zeros = task.digits[-1], '0' * k

  def chain(x, y):  # x: top digits from the digit where y holds its only 1
    x, y = x[::-1], y[::-1]
    start = y.find('1')
    return (y.count('0') == k - 1 and start >= 0 and
            x.rstrip('0') == '0' * start + top * (len(x.rstrip('0')) - start))

  chains = sum(chain(a, b) or chain(b, a) for a, b in pairs)
  kinds = {'zero': sum(zeros in (a, b) for a, b in pairs),
           'same': sum(a == b for a, b in pairs),
           'sparse': sum(a.count('1') <= 3 and b.count('1') <= 3 for a, b in pairs),
           'short': sum(min(len(a.lstrip('0')), len(b.lstrip('0'))) < k // 2 for a, b in pairs),
           'chain': chains}
  share = 0.5 if task.op == '+' else 1.0  # addition: half are carry_chains rows
  for kind, count in kinds.items():
    assert count >= 0.6 * share * 2000 / 5, (kind, count)  # each kind drawn 1 in 5
  assert tasks.get(name).random_hard_training_inputs is not task.random_hard_training_inputs


def test_hard_samplers_other_than_the_tasks_own_are_refused_in_one_line():
  with pytest.raises(ValueError, match="option of the arithmetic tasks"):
    tasks.get('sort').with_hard_sampler('structured')
  with pytest.raises(ValueError, match='valid: carry_chains, structured, varied_lengths'):
    tasks.get('badd').with_hard_sampler('sparse')
  structured = tasks.get('bmul').with_target_form('zero_filled').with_hard_sampler('structured')
  assert structured.zero_filled and structured.hard_sampler == 'structured'
  assert structured.with_target_form('padded').hard_sampler == 'structured'


@pytest.mark.parametrize('name', ['badd', 'bmul', 'mul'])
def test_varied_length_training_inputs_hold_operands_of_every_length_in_either_place(name):
  task, k = tasks.get(name).with_hard_sampler('varied_lengths'), 20
  inputs = task.random_hard_training_inputs(np.random.default_rng(5), 2000, 2 * k + 1)
  np.testing.assert_array_equal(task.targets(inputs), oracle_targets(task, inputs))
  pairs = operands(task, inputs)
  for place in (0, 1):  # the first operand, the second: each of every length 1..k
    digits = [len(pair[place].lstrip('0')) for pair in pairs]
    assert set(digits) == set(range(1, k + 1)), (place, sorted(set(digits)))
    assert min(digits.count(n) for n in range(1, k + 1)) >= 0.6 * 2000 / k
