"""A question's text -> ids and predicted ids -> the answer's text, in TensorFlow ops
only, so that a SavedModel carries them and answers text without this package.

One question at a time (scalar strings): questions of a batch may differ in length, and
padding a question out to another's length would change what it asks. A question the
task cannot take gives no ids but a one-line reason (`encode`'s error); the caller
never runs the model on it.
"""
import numpy as np
import tensorflow as tf

from neuralgpu.export.text_layout import TextLayout
from tasks.base import PAD


class TextCodec:
  """encode(question) -> (ids, error) and decode(ids) -> text for one layout."""

  def __init__(self, layout: TextLayout):
    self.layout = layout
    vocabulary = list(layout.vocabulary)
    self.vocabulary = tf.constant(vocabulary)
    self.question_symbols = tf.constant(vocabulary[1:])  # padding is no symbol of a question
    self.operator_ids = tf.constant([vocabulary.index(op) for op in layout.operators]
                                    or [-1], tf.int32)
    # takes[op, id]: the numbers that operator `op` joins may hold digit `id`.
    takes = np.zeros([len(vocabulary)] * 2, bool)
    digits_text = [''] * len(vocabulary)
    for op, digits in zip(layout.operators, layout.digits_of):
      takes[vocabulary.index(op), [vocabulary.index(d) for d in digits]] = True
      digits_text[vocabulary.index(op)] = ' '.join(digits)
    self.takes = tf.constant(takes)
    self.digits_text = tf.constant(digits_text)
    self.zero_id = vocabulary.index(layout.zero) if layout.numbers else PAD
    self.symbols_text = ' '.join(vocabulary[1:])
    self.shape_hint = (f'two numbers joined by {" or ".join(map(repr, layout.operators))},'
                       f' like {layout.sample_question()!r}' if layout.numbers else
                       f'symbols of {self.symbols_text}, like {layout.sample_question()!r}')

  # --- text -> ids ---------------------------------------------------------------

  def encode(self, question):
    """(int32 ids [length], error): error is '' or says what is wrong and what is valid."""
    chars = tf.strings.unicode_split(question, 'UTF-8', errors='replace')
    matches = tf.equal(chars[:, None], self.question_symbols[None, :])
    ids = tf.where(tf.reduce_any(matches, 1),
                   tf.argmax(tf.cast(matches, tf.int32), 1, tf.int32) + 1, -1)
    checks = [(tf.size(ids) == 0, tf.constant(f'it is empty; write {self.shape_hint}')),
              (tf.reduce_any(ids < 0), self._unknown_symbol(chars, ids))]
    if self.layout.numbers:
      ids, number_checks = self._numbers(chars, ids)
      checks += number_checks
    else:
      ids = tf.concat([ids, tf.zeros([tf.size(ids) * self.layout.padding_per_symbol],
                                     tf.int32)], 0)
    checks += self._length_checks(tf.size(ids))
    return ids, _first_error(checks)

  def _unknown_symbol(self, chars, ids):
    return tf.strings.join(["'", _first_where(chars, ids < 0, ''), f"' is not one of the symbols of {self.layout.task}:"
                            f' {self.symbols_text}'])

  def _numbers(self, chars, ids):
    """ids laid out as two numbers least significant digit first, and the checks that
    there are two numbers joined by one operator, each of that operator's digits."""
    is_operator = tf.reduce_any(tf.equal(ids[:, None], self.operator_ids[None, :]), 1)
    at = _first_where(tf.range(tf.size(ids)), is_operator, 0)
    operator = tf.maximum(_first_where(ids, is_operator, 0), 0)
    first, second = ids[:at], ids[at + 1:]
    width = tf.maximum(tf.size(first), tf.size(second))
    written = tf.concat([self._zeros(width - tf.size(first)), first, operator[None],
                         self._zeros(width - tf.size(second)), second], 0)
    wrong_digit = tf.logical_not(tf.gather(tf.gather(self.takes, operator),
                                           tf.maximum(ids, 0)))
    wrong_digit = tf.logical_and(wrong_digit, tf.logical_not(is_operator))
    checks = [
        (tf.logical_or(tf.reduce_sum(tf.cast(is_operator, tf.int32)) != 1,
                       width == 0),  # one number may be empty: the task reads it as 0
         tf.constant(f'it is not {self.shape_hint}')),
        (tf.reduce_any(wrong_digit), tf.strings.join([
            "'", _first_where(chars, wrong_digit, ''),
            "' is not a digit of the numbers '", tf.gather(self.vocabulary, operator),
            "' joins: ", tf.gather(self.digits_text, operator)]))]
    return reverse_between(written, tf.equal(written, operator)), checks

  def _zeros(self, count):
    return tf.fill([count], tf.constant(self.zero_id, tf.int32))

  def _length_checks(self, length):
    layout = self.layout
    as_ids = tf.strings.as_string(length)
    longest = (f'this export answers questions of up to {layout.longest} ids'
               + (f' (two numbers of up to {(layout.longest - 1) // 2} digits)'
                  if layout.numbers else ''))
    return [(length > layout.longest,
             tf.strings.join(['it is too long: ', as_ids, f' ids; {longest}'])),
            (tf.logical_or(length < layout.min_length,
                           (length - layout.min_length) % layout.length_step != 0),
             tf.strings.join(['it takes ', as_ids, f' ids; {layout.task} takes lengths '
                              f'{layout.min_length}, {layout.min_length + layout.length_step},'
                              f' ... (step {layout.length_step})']))]

  # --- ids -> text ---------------------------------------------------------------

  def decode(self, ids):
    """The text of predicted ids [length], as the task's decode writes it."""
    ids = tf.convert_to_tensor(ids, tf.int32)
    symbols = tf.where(tf.not_equal(ids, PAD))
    ids = ids[:tf.cast(tf.reduce_max(tf.concat([symbols[:, 0] + 1, [0]], 0)), tf.int32)]
    if self.layout.numbers:
      present = tf.reduce_any(tf.equal(ids[None, :], self.operator_ids[:, None]), 1)
      # Split at the first operator (in vocabulary order) the answer holds, as decode does.
      splitter = _first_where(self.operator_ids, present, -1)
      ids = reverse_between(ids, tf.equal(ids, splitter))
      if self.layout.strips_leading_zeros:
        ids = tf.cond(tf.reduce_any(present), lambda: ids, lambda: self._without_top_zeros(ids))
    return tf.strings.reduce_join(tf.gather(self.vocabulary, ids))

  def _without_top_zeros(self, ids):
    """The number's text without zeros above its top digit; '0' for zero."""
    nonzero = tf.where(tf.not_equal(ids, self.zero_id))[:, 0]
    start = tf.cond(tf.size(nonzero) > 0, lambda: tf.cast(nonzero[0], tf.int32),
                    lambda: tf.maximum(tf.size(ids) - 1, 0))
    return ids[start:]


def _first_where(values, mask, default):
  """The first of values where mask holds, or default. Safe on empty values: every
  error message is computed, wanted or not (tf.where takes both sides)."""
  values = tf.concat([values, tf.constant([default], values.dtype)], 0)
  mask = tf.concat([mask, [True]], 0)
  return tf.gather(values, tf.argmax(tf.cast(mask, tf.int32), output_type=tf.int32))


def reverse_between(ids, separator):
  """ids with each run between separators reversed, the separators in place:
  (1 2 + 3 4 5) -> (2 1 + 5 4 3). Written text order <-> least significant first."""
  positions = tf.range(tf.size(ids))
  segment = tf.cumsum(tf.cast(separator, tf.int32))
  count = tf.reduce_max(tf.concat([segment, [0]], 0)) + 1
  inside = tf.logical_not(separator)
  low = tf.math.unsorted_segment_min(positions[inside], segment[inside], count)
  high = tf.math.unsorted_segment_max(positions[inside], segment[inside], count)
  mirrored = tf.gather(low, segment) + tf.gather(high, segment) - positions
  return tf.gather(ids, tf.where(separator, positions, mirrored))


def _first_error(checks):
  """The message of the first check that failed, or ''."""
  error = tf.constant('')
  for failed, message in reversed(checks):
    error = tf.where(failed, message, error)
  return error
