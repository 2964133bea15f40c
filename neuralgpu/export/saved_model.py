"""A trained model as a SavedModel that `tf.saved_model.load` serves without this
package, with two signatures:

- serving_default: int32 `inputs` [batch, length] -> int32 `predictions`, the ids the
  task's layout gives (numbers least significant digit first; the task file says how);
- answer_text: string `questions` [batch], as a person writes them ('1011+110') ->
  string `answers` and `errors` [batch]. A question the task cannot take (a symbol
  not in its alphabet, not two numbers joined by an operator, too long) is not run:
  its answer is '' and its error one line saying what is wrong and what is valid;
  a question taken has error ''.

assets/neuralgpu_task.json (TASK_FILE) says which id is which symbol, how a question and
an answer are laid out as ids, with a worked example, and what each signature takes.
"""
import json
import tempfile
from pathlib import Path

import tensorflow as tf

from neuralgpu.export import check
from neuralgpu.export.text_codec import TextCodec
from neuralgpu.export.text_layout import TextLayout, layout_of
from tasks.base import PAD

TASK_FILE = 'neuralgpu_task.json'
TEXT_SIGNATURE = 'answer_text'


def export(model, task, path: Path, longest: int, described: dict,
           text: bool = True) -> Path:
  """Saves `model` of `task` in `path` (a new or empty directory) answering text
  questions of up to `longest` ids; `described` (the run's task, step, lengths) goes
  into the task file. NoTextLayout before anything is written if the task's questions
  cannot be read by the text signature; text=False exports serving_default alone."""
  module = tf.Module()
  module.model = model
  module.vocabulary = tf.Variable(list(task.vocab), trainable=False, name='vocabulary')
  module.predict = tf.function(
      lambda inputs: {'predictions': model.predict(inputs)},
      input_signature=[tf.TensorSpec([None, None], tf.int32, name='inputs')])
  signatures, note = {'serving_default': module.predict}, dict(described)
  if text:
    codec = TextCodec(layout_of(task, longest))
    check.same_as_task(codec, task)
    module.answer_text = tf.function(
        lambda questions: answer_text(codec, model, questions),
        input_signature=[tf.TensorSpec([None], tf.string, name='questions')])
    signatures[TEXT_SIGNATURE] = module.answer_text
    note.update(task_file(codec, task))
  with tempfile.TemporaryDirectory() as held:
    written = Path(held) / TASK_FILE  # copied into the SavedModel's assets/
    written.write_text(json.dumps(note, indent=2) + '\n')
    module.note = tf.saved_model.Asset(str(written))
    tf.saved_model.save(module, str(path), signatures=signatures)
  return path


def answer_text(codec: TextCodec, model, questions):
  """{'answers', 'errors'}: each question encoded, answered and decoded on its own."""

  def one(question):
    ids, error = codec.encode(question)
    answer = tf.cond(tf.equal(error, ''),
                     lambda: codec.decode(model.predict(ids[None])[0]),
                     lambda: tf.constant(''))
    message = tf.where(tf.equal(error, ''), error,
                       tf.strings.join(["question '", question, "': ", error]))
    return answer, message

  answers, errors = tf.map_fn(one, questions, fn_output_signature=(tf.string, tf.string))
  return {'answers': answers, 'errors': errors}


def task_file(codec: TextCodec, task) -> dict:
  """What a user of either signature needs: the ids and their layout, worked through."""
  layout: TextLayout = codec.layout
  question = layout.sample_question()
  ids = task.encode(task.canonical(question))
  answer = task.targets(ids[None])[0]
  return {
      'vocabulary': list(layout.vocabulary), 'padding_id': PAD,
      'ids': layout.symbol_ids(),
      'question_as_ids': layout.question_rule(),
      'answer_as_ids': layout.answer_rule(zero_filled=answer[-1] != PAD),
      'worked_example': {'question': question, 'inputs': ids.tolist(),
                         'right_predictions': answer.tolist(),
                         'answer': task.decode(answer)},
      'signatures': {
          'serving_default': 'int32 inputs [batch, length] laid out as question_as_ids '
                             '(ids in text order give wrong answers, silently) -> int32 '
                             'predictions [batch, length] laid out as answer_as_ids',
          TEXT_SIGNATURE: 'string questions [batch] as a person writes them -> string '
                          "answers [batch] and errors [batch]: a question that cannot be "
                          "taken has answer '' and an error saying why; else error ''"},
      'longest_text_question_ids': layout.longest,
      'lengths_in_ids': f'{layout.min_length}, {layout.min_length + layout.length_step}, '
                        f'... up to {layout.longest} for answer_text',
  }
