"""mul_bases: one multiplication in bases 2, 4 and 10, learned base after base."""
import numpy as np
import pytest

import tasks

TASK = tasks.get('mul_bases')
BASES = {'b': 2, 'q': 4, '*': 10}


def as_int(text: str, base: int) -> int:
  return int(text, base)


def check_products(inputs, targets):
  for question, answer in zip(inputs, targets):
    text = TASK.decode(question)
    op = next(op for op in BASES if op in text)
    a, b = text.split(op)
    base = BASES[op]
    assert as_int(TASK.decode(answer), base) == as_int(a, base) * as_int(b, base), text


def test_targets_are_the_products_in_the_base_the_operator_names():
  rng = np.random.default_rng(0)
  inputs = TASK.random_training_inputs(rng, 300, 13, stage=2)
  check_products(inputs, TASK.targets(inputs))
  assert TASK.decode(TASK.targets(TASK.encode('1011b0110')[None])[0]) == '1000010'
  assert TASK.decode(TASK.targets(TASK.encode('312q021')[None])[0]) == '13212'
  assert TASK.decode(TASK.targets(TASK.encode('97*45')[None])[0]) == '4365'


def test_zero_filled_targets_are_each_bases_zero_filled_targets():
  zero_filled = TASK.with_target_form('zero_filled')
  assert TASK.with_target_form('padded') is TASK and zero_filled.parts[0].zero_filled
  assert not TASK.parts[0].zero_filled  # the task itself unchanged
  inputs = TASK.random_training_inputs(np.random.default_rng(3), 300, 13, stage=2)
  targets = zero_filled.targets(inputs)
  check_products(inputs, targets)
  assert (targets != 0).all()  # every position of the input's length holds a digit
  assert zero_filled.decode(zero_filled.targets(TASK.encode('97*45')[None])[0]) == '4365'
  assert zero_filled.decode(zero_filled.targets(TASK.encode('0b0')[None])[0]) == '0'
  with pytest.raises(ValueError, match='valid: padded, zero_filled'):
    TASK.with_target_form('reversed')


@pytest.mark.parametrize('stage, operators', [(0, 'b'), (1, 'bq'), (2, 'bq*')])
def test_stage_s_trains_on_the_first_s_plus_1_bases(stage, operators):
  inputs = TASK.random_training_inputs(np.random.default_rng(1), 200, 9, stage)
  seen = {op for row in inputs for op in BASES if op in TASK.decode(row)}
  assert seen == set(operators)


def test_sample_and_hard_suites_are_decimal_the_task_judged():
  inputs, targets = TASK.sample(np.random.default_rng(2), 50, 11)
  assert all('*' in TASK.decode(row) for row in inputs)
  check_products(inputs, targets)
  for inputs, targets in TASK.eval_suites(11).values():
    assert all('*' in TASK.decode(row) for row in inputs)
    check_products(inputs, targets)
  assert TASK.training_stages == 3 and tasks.get('mul').training_stages == 1


@pytest.mark.parametrize('text, must_mention', [
    ('2b1', ["'b'", 'base-2', '01']),
    ('12', ["'b': base 2", "'*': base 10"]),
    ('1b1q1', ['one operator']),
    ('a*1', ["'*'", 'base-10']),
])
def test_text_in_the_wrong_base_is_refused_naming_the_digits(text, must_mention):
  with pytest.raises(ValueError) as error:
    TASK.encode(text)
  message = str(error.value)
  assert '\n' not in message
  for word in must_mention:
    assert word in message, (word, message)
