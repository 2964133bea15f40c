"""The Python API: train a run, load a trained one, ask it questions in the task's own
notation, evaluate it at given lengths, and export it as a SavedModel.

    from experiments import presets
    from neuralgpu import api

    run = api.train(presets.config('smoke', {'seed': 1}), 'workdirs/smoke_api')
    run = api.load('workdirs/smoke_api')      # a run trained by run.py works too
    run.answer(['1011+110', '1+1'])           # -> ['10001', '10'] once it has learned
    run.evaluate([9, 81], examples=128)       # rows as --mode=eval writes them
    run.export('exported/smoke')              # served by tf.saved_model.load

A run trained here writes the workdir run.py writes (config.json, checkpoints, eval/),
so every command of run.py, the sweep and the plots read it.
"""
import json
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf

from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate
from neuralgpu.models.base import predictor
from neuralgpu.runs import actions, memory
from neuralgpu.runs import workdir as workdirs
from neuralgpu.training import checkpoints
from tasks.base import PAD


EXPORT_NOTE = 'neuralgpu_task.json'  # in the SavedModel's assets: how to encode inputs


def train(config: Config, workdir, first_stage: Config = None) -> 'TrainedRun':
  """Trains (or resumes) `config` in `workdir` as `python run.py` does, evaluates its
  best checkpoint into WORKDIR/eval, and returns the trained run. ValueError before any
  work if the settings, the workdir or the memory they need are not usable. A config
  with --start_from_preset trains `first_stage` first (presets.first_stage(config))."""
  workdir = Path(workdir)
  workdirs.claim(workdir, config.validate())
  actions.train_and_report(actions.start_training(config, workdir, first_stage))
  return load(workdir)


def load(workdir) -> 'TrainedRun':
  """The best checkpoint of the run in `workdir`; ValueError if there is none."""
  workdir = Path(workdir)
  return TrainedRun(workdirs.load_config(workdir), workdir)


class TrainedRun:
  """A trained run's best checkpoint, its settings (`config`) and task (`task`)."""

  def __init__(self, config: Config, workdir: Path):
    self.config, self.workdir = config, workdir
    self.task = config.get_task()
    self.model, self.step = checkpoints.best_model(config, workdir)
    self.predict = predictor(self.model)

  def __repr__(self):
    return (f'TrainedRun({str(self.workdir)!r}: {self.config.model} on {self.task.name}, '
            f'step {self.step})')

  def answer(self, questions):
    """The model's answers to one question or a list of them, as the task writes them
    (e.g. '1011+110' -> '10001'); ValueError naming a question the task cannot read.
    Questions of one length are answered in one batch."""
    single = isinstance(questions, str)
    texts = [questions] if single else list(questions)
    encoded = []
    for text in texts:
      try:
        encoded.append(self.task.encode(self.task.canonical(text)))
      except ValueError as error:
        raise ValueError(f'question {text!r}: {error}') from None
    memory.evaluation_fits(self.config, sorted({len(ids) for ids in encoded}))
    answers = [None] * len(texts)
    for length in sorted({len(ids) for ids in encoded}):
      rows = [i for i, ids in enumerate(encoded) if len(ids) == length]
      batch = evaluate.batch_size(self.config, length)
      for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        predicted = np.asarray(self.predict(np.stack([encoded[i] for i in chunk])))
        for i, ids in zip(chunk, predicted):
          answers[i] = self.task.decode(ids)
    return answers[0] if single else answers

  def evaluate(self, lengths, examples: int = 128, suites: bool = True) -> list[dict]:
    """Accuracy at each length on the held-out test examples (the same for every model)
    and, with `suites`, on the task's hard-input suites: the rows --mode=eval writes."""
    lengths = [int(n) for n in lengths]
    for length in lengths:
      self.task.check_length(length)
    memory.evaluation_fits(self.config, lengths)
    return evaluate.evaluate_lengths(self.predict, self.task, self.config, lengths,
                                     int(examples), suites=suites)

  def export(self, path) -> Path:
    """Saves the model as a SavedModel in `path`: `tf.saved_model.load(path)` serves it
    without this package. Its serving signature maps int32 `inputs` [batch, length] to
    the predicted ids `predictions`; the ids are positions in the task's vocabulary,
    which the SavedModel holds as `vocabulary` and, with how questions are written as
    ids, in assets/neuralgpu_task.json."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
      raise ValueError(f'{path} exists and is not an empty directory; give a new one')
    module = tf.Module()
    module.model = self.model
    module.vocabulary = tf.Variable(list(self.task.vocab), trainable=False, name='vocabulary')
    module.predict = tf.function(
        lambda inputs: {'predictions': self.model.predict(inputs)},
        input_signature=[tf.TensorSpec([None, None], tf.int32, name='inputs')])
    with tempfile.TemporaryDirectory() as held:
      note = Path(held) / EXPORT_NOTE  # copied into the SavedModel's assets/
      note.write_text(json.dumps(self.describe(), indent=2) + '\n')
      module.note = tf.saved_model.Asset(str(note))
      tf.saved_model.save(module, str(path), signatures={'serving_default': module.predict})
    return path

  def describe(self) -> dict:
    """What a user of the exported model needs to write questions as ids: the
    vocabulary and a question with its ids and the ids of its right answer."""
    length = self.config.max_length
    inputs, targets = self.task.sample(np.random.default_rng(0), 1, length)
    return {'task': self.task.name, 'vocabulary': list(self.task.vocab),
            'padding_id': PAD, 'trained_on_lengths_up_to': self.config.max_length,
            'checkpoint_step': self.step,
            'example': {'question': self.task.decode(inputs[0]),
                        'answer': self.task.decode(targets[0]),
                        'inputs': inputs[0].tolist(), 'right_predictions': targets[0].tolist()}}
