"""Before a SavedModel is written: its text codec reads and writes as the task does, on
random questions, on questions changed a symbol at a time (most of which the task
refuses, and so must the codec), and on random answers. A task whose layout
text_layout.py reads wrongly is refused here rather than answered wrongly later."""
import numpy as np
import tensorflow as tf

from neuralgpu.export.text_layout import NoTextLayout

QUESTIONS_PER_LENGTH = 4
LONGEST_CHECKED = 41  # ids: long enough for numbers of different widths and carries


def same_as_task(codec, task) -> None:
  """NoTextLayout naming the first text or ids the codec and the task differ on."""
  rng = np.random.default_rng(0)
  # Traced once, as the SavedModel runs them (op by op they would take a minute).
  encode = tf.function(codec.encode, input_signature=[tf.TensorSpec([], tf.string)])
  decode = tf.function(codec.decode, input_signature=[tf.TensorSpec([None], tf.int32)])
  lengths = task.lengths(task.min_length, min(codec.layout.longest, LONGEST_CHECKED))
  questions, answers = [codec.layout.sample_question()], []
  for length in lengths:
    inputs, targets = task.sample(rng, QUESTIONS_PER_LENGTH, length)
    questions += [task.decode(row) for row in inputs]
    answers += list(targets) + list(_random_ids(rng, len(task.vocab), length))
  for text in questions + [changed for text in questions[:8]
                           for changed in _changed(text, task.vocab)]:
    _same_question(encode, codec.layout.longest, task, text)
  for ids in answers:
    ours, theirs = decode(ids).numpy().decode(), task.decode(ids)
    if ours != theirs:
      raise NoTextLayout(f'{task.name}: the text signature would show ids {ids.tolist()} '
                         f'as {ours!r}, the task as {theirs!r}')


def _same_question(encode, longest: int, task, text: str) -> None:
  try:
    expected = task.encode(task.canonical(text))
  except ValueError:
    expected = None
  ids, error = encode(text)
  ids, error = ids.numpy(), error.numpy().decode()
  if expected is None:
    agree = bool(error)
  elif len(expected) > longest:
    agree = 'too long' in error
  else:
    agree = not error and np.array_equal(ids, expected)
  if not agree:
    raise NoTextLayout(f'{task.name}: the text signature would read {text!r} as '
                       f'{error or ids.tolist()}, the task as '
                       f'{"a question it refuses" if expected is None else expected.tolist()}')


def _changed(text: str, vocabulary) -> list[str]:
  """text without its first or last symbol, doubled, and with one symbol replaced by
  each symbol of the vocabulary in turn (padding included), plus two never valid."""
  changed = [text[1:], text[:-1], text + text, '', '?', text + ' ']
  for at in {0, len(text) // 2, len(text) - 1}:
    changed += [text[:at] + symbol + text[at + 1:] for symbol in vocabulary]
  return changed


def _random_ids(rng, vocabulary_size: int, length: int) -> np.ndarray:
  """Answers a model might give: any ids, half of them ending in padding."""
  ids = rng.integers(0, vocabulary_size, size=(2, length), dtype=np.int32)
  ids[1, length // 2:] = 0
  return ids
