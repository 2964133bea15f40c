"""The SavedModel's text signature reads questions and writes answers as the task does
(neuralgpu/export): its layout read off the task, and its one-line refusals."""
import numpy as np
import pytest

import tasks
from neuralgpu.export import check
from neuralgpu.export.text_codec import TextCodec
from neuralgpu.export.text_layout import NoTextLayout, layout_of
from tasks.arithmetic import ArithmeticTask


def codec_of(task, longest=41):
  codec = TextCodec(layout_of(task, longest))
  check.same_as_task(codec, task)
  return codec


@pytest.mark.parametrize('task', [tasks.get('badd'), tasks.get('qmul'),
                                  tasks.get('mul_bases').with_target_form('zero_filled'),
                                  tasks.get('duplicate'), tasks.get('reverse')],
                         ids=lambda task: task.name)
def test_the_codec_reads_and_writes_as_the_task(task):
  codec = codec_of(task)  # check.same_as_task compares them on many texts and ids
  question = codec.layout.sample_question()
  ids, error = codec.encode(question)
  assert error.numpy() == b''
  np.testing.assert_array_equal(ids.numpy(), task.encode(task.canonical(question)))


def test_binary_addition_is_laid_out_least_significant_digit_first():
  layout = codec_of(tasks.get('badd')).layout
  assert layout.symbol_ids() == "0 is '_' (padding), 1 is '0', 2 is '1', 3 is '+'"
  assert 'least significant digit first' in layout.question_rule()
  assert 'leading zeros' in layout.question_rule()


@pytest.mark.parametrize('question, error', [
    ('12+1', "'2' is not one of the symbols of badd: 0 1 +"),
    ('', "it is empty; write two numbers joined by '+', like '1011+110'"),
    ('1+1+1', "it is not two numbers joined by '+', like '1011+110'"),
    ('10101+1', 'it is too long: 11 ids; this export answers questions of up to 9 ids '
                '(two numbers of up to 4 digits)'),
])
def test_a_question_the_task_cannot_take_gets_one_line_saying_why(question, error):
  codec = codec_of(tasks.get('badd'), longest=9)
  assert codec.encode(question)[1].numpy().decode() == error


def test_each_operator_takes_the_digits_of_its_base():
  codec = codec_of(tasks.get('mul_bases'))
  assert codec.encode('13b1')[1].numpy().decode() == \
      "'3' is not a digit of the numbers 'b' joins: 0 1"
  assert codec.encode('13q1')[1].numpy() == b''


class MostSignificantFirst(ArithmeticTask):
  """Numbers written as read: a layout the text signature does not know."""

  def encode(self, text):
    ids = self.symbol_ids(text, self.digits + self.op)
    return np.array(ids, np.int32)


def test_a_task_laid_out_otherwise_is_refused_not_answered_wrongly():
  task = MostSignificantFirst('msf_add', base=2, op='+')
  with pytest.raises(NoTextLayout, match="msf_add: the text signature would read"):
    codec_of(task)
