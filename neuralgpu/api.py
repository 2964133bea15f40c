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

What it prints, for a notebook: `train` a few lines when done (the steps and the
evaluation's table; verbose=True: run.py's whole log as it trains), `evaluate` a line
of progress with its ETA every 10 s (progress=False: none), the rest nothing.
Importing it holds back TensorFlow's start-up notices, as run.py does.
"""
import dataclasses
import time
from pathlib import Path

from neuralgpu import cli

cli.import_tensorflow_quietly()  # before anything below imports TensorFlow
# pylint: disable=wrong-import-position
import numpy as np

from neuralgpu import lengths as run_lengths
from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate, tables
from neuralgpu.export import saved_model
from neuralgpu.export.text_layout import NoTextLayout
from neuralgpu.models.base import predictor
from neuralgpu.runs import actions, eval_cache, held_output, memory
from neuralgpu.runs import workdir as workdirs
from neuralgpu.training import checkpoints
from tasks.base import PAD
# pylint: enable=wrong-import-position


def train(config: Config, workdir, earlier_stages: tuple[Config, ...] = (),
          verbose: bool = False) -> 'TrainedRun':
  """Trains (or resumes) `config` in `workdir` as `python run.py` does, evaluates its
  best checkpoint into WORKDIR/eval, and returns the trained run. ValueError before any
  work if the settings, the workdir or the memory they need are not usable. A config
  with --start_from_preset trains `earlier_stages` first
  (experiments.presets.earlier_stages(config)).

  verbose=False (the default) prints a few lines when done: the step reached and the
  evaluation's table (its wrong answers are in WORKDIR/eval/results.json); should
  training fail or be interrupted, the last lines of its log. verbose=True prints what
  run.py prints, as it trains: a line per --log_every steps, each validation, the
  evaluation's progress, table and wrong answers."""
  workdir = Path(workdir)
  workdirs.claim(workdir, config.validate())
  start = time.time()
  if verbose:
    actions.train_and_report(actions.start_training(config, workdir, earlier_stages))
    return load(workdir)
  with held_output.held_back():
    trainer = actions.start_training(config, workdir, earlier_stages)
    actions.train_and_report(trainer)
  run = load(workdir)
  print(f'{workdir}: trained to step {int(trainer.state.step)} and evaluated in '
        f'{time.time() - start:.0f} s; best checkpoint: step {run.step}', flush=True)
  result = eval_cache.saved(workdir, run_lengths.to_report(config), config.eval_examples,
                            suites=True, step_factor=config.eval_step_factor)
  if result:  # the chief of a distributed run evaluates; a worker has no result
    print(f'{tables.results([result])}\n(wrong answers: in {workdir}/eval/results.json; '
          'verbose=True prints them)', flush=True)
  return run


def load(workdir, eval_step_factor: float = None) -> 'TrainedRun':
  """The best checkpoint of the run in `workdir`, answering with eval_step_factor times
  as many recurrent steps as the input is long if given (else as the run was set);
  ValueError if there is none, or if its model takes no more steps."""
  workdir = Path(workdir)
  config = workdirs.load_config(workdir)
  if eval_step_factor is not None:
    config = dataclasses.replace(config, eval_step_factor=eval_step_factor).validate()
  return TrainedRun(config, workdir)


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

  def evaluate(self, lengths, examples: int = 128, suites: bool = True,
               progress: bool = True) -> list[dict]:
    """Accuracy at each length on the held-out test examples (the same for every model)
    and, with `suites`, on the task's hard-input suites: the rows --mode=eval writes.
    With `progress`, a line every 10 s with the share done and the ETA, as --mode=eval
    prints (at 401 an evaluation takes minutes)."""
    lengths = [int(n) for n in lengths]
    for length in lengths:
      self.task.check_length(length)
    memory.evaluation_fits(self.config, lengths)
    return evaluate.evaluate_lengths(self.predict, self.task, self.config, lengths,
                                     int(examples), progress=progress, suites=suites)

  def export(self, path, longest_question: int = None, text: bool = True) -> Path:
    """Saves the model as a SavedModel in `path`: `tf.saved_model.load(path)` serves it
    without this package, by two signatures (neuralgpu/export/saved_model.py):
    'answer_text' takes string `questions` as the task writes them ('1011+110') and
    gives string `answers` and `errors` (a question the task cannot take, or longer
    than `longest_question` ids, default the run's far length, gets answer '' and a
    one-line error); 'serving_default' maps int32 `inputs` [batch, length] to the
    predicted ids `predictions`. Which id is which symbol, and the layout of a question
    as ids (numbers least significant digit first), are in assets/neuralgpu_task.json.
    text=False: serving_default alone, for a task whose text the SavedModel cannot read
    (ValueError says so)."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
      raise ValueError(f'{path} exists and is not an empty directory; give a new one')
    longest = (run_lengths.far(self.config) if longest_question is None
               else longest_question)
    if (not isinstance(longest, int) or isinstance(longest, bool)
        or longest < self.task.min_length):
      raise ValueError(f'longest_question={longest_question!r} is not valid; give the '
                       f'length in ids of the longest question to answer, an integer >= '
                       f'{self.task.min_length} ({self.task.name} takes lengths '
                       f'{self.task.describe_lengths()})')
    memory.evaluation_fits(self.config, [self.task.longest_length(longest)])
    try:
      return saved_model.export(self.model, self.task, path, longest, self.describe(), text)
    except NoTextLayout as error:
      raise ValueError(f'{error}: the text signature cannot answer it; export(path, '
                       'text=False) exports the ids signature alone') from None

  def describe(self) -> dict:
    """What a user of the exported model needs besides the layout (saved_model.py adds
    it): the run's task and step, and a question with its ids and its right answer's."""
    length = self.config.max_length
    inputs, targets = self.task.sample(np.random.default_rng(0), 1, length)
    return {'task': self.task.name, 'vocabulary': list(self.task.vocab),
            'padding_id': PAD, 'trained_on_lengths_up_to': self.config.max_length,
            'checkpoint_step': self.step,
            'example': {'question': self.task.decode(inputs[0]),
                        'answer': self.task.decode(targets[0]),
                        'inputs': inputs[0].tolist(), 'right_predictions': targets[0].tolist()}}
