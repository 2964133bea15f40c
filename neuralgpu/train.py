"""The training loop: curriculum, relaxation, validation, checkpoints and summaries.

The compiled step is in train_step.py, the state a resume restores in train_state.py,
checkpoints in checkpoints.py, the metrics log in metrics_log.py, the learning-rate
schedule in rate.py."""
import collections
import contextlib
import re
import time
from pathlib import Path

import tensorflow as tf

from neuralgpu import distribute, evaluate, faults, model_registry, models, optim, visualize
from neuralgpu import workdir as workdirs
from neuralgpu.checkpoints import Checkpoints
from neuralgpu.curriculum import Curriculum
from neuralgpu.data import TrainingData
from neuralgpu.metrics_log import MetricsLog
from neuralgpu.rate import RateSchedule
from neuralgpu.train_state import RUNNING, SOLVED, STOPPED_EARLY, WHY_FINISHED, TrainState
from neuralgpu.train_step import TrainingStep

VALIDATION_EXAMPLES = 64
PROBE_EXAMPLES = 16  # a probe at 10 times the length costs 100 times as much per example
# Stop only after this many validations in a row get every sequence right, and then
# every one at ten times the longest training length: one perfect validation of 64
# examples let through a model still wrong on 13% of length-401 inputs.
SOLVED_STREAK = 3
# Updates with a NaN or Inf loss or gradient are skipped; this many in a row go back to
# the latest checkpoint with a lower rate, and going back to one checkpoint more than
# NONFINITE_RETURNS times ends the run.
NONFINITE_LIMIT = 3
NONFINITE_RETURNS = 3


class Trainer:

  def __init__(self, config, workdir: Path):
    self.config, self.workdir = config, Path(workdir)
    self.metrics = MetricsLog(self.workdir)
    self.task = config.get_task()
    if config.deterministic:
      tf.config.experimental.enable_op_determinism()
    distribute.check(config, len(tf.config.list_physical_devices('GPU')))
    self.strategy = distribute.strategy(config.strategy, config.cpu_devices)
    if self.strategy:
      print(f'--strategy={config.strategy}: {self.strategy.num_replicas_in_sync} replicas, '
            f'here on {", ".join(self.strategy.extended.worker_devices)}', flush=True)
    with self.strategy.scope() if self.strategy else contextlib.nullcontext():
      self.model = models.build(config, len(self.task.vocab))
      self.optimizer = optim.OPTIMIZERS[config.optimizer](self.model.trainable_variables)
    self.curriculum = Curriculum(config, self.task)
    self.data = TrainingData(config, self.task, self.curriculum)
    self.state = TrainState(config, self.curriculum.start_length(), len(self.model.extras))
    self.rate = RateSchedule(config, self.state)
    self.saves = Checkpoints(self.workdir, self.model, self.state, self.optimizer,
                             self.metrics)
    self.step_function = TrainingStep(config, self.model, self.optimizer, self.strategy)
    self.train_step = self.step_function.compiled
    ids = tf.TensorSpec([None, None], tf.int32)
    self.predict = models.predictor(self.model)
    self.draws_state = model_registry.get(config.model).draws_state
    self.loss = tf.function(self._loss, input_signature=[ids, ids])
    self.clock = time.time()  # training time is counted from here to each count_time()
    self.nonfinite = 0  # updates skipped in a row
    self.returns = collections.Counter()  # steps gone back to for NaN or Inf

  def resume(self) -> int:
    return self.saves.resume()

  def restore(self, best=False) -> int:
    return self.saves.restore(best)

  def save(self, step: int) -> None:
    self.saves.save(step)

  def _loss(self, inputs, targets):
    # Teacher-forced for models that take targets: the loss of the answer as trained.
    return self.model.loss(self.model(inputs, targets=targets)[0], targets)

  def train(self) -> int:
    """Trains until max_steps or max_hours, until solved at max_length or until early
    stopping; returns the final step, with the model's weights those of the best
    checkpoint.

    SIGINT and SIGTERM save a checkpoint at the end of the step and raise
    faults.Interrupted; a failed write raises faults.WriteFailed naming the checkpoint
    that is intact."""
    c, s = self.config, self.state
    step = self.resume()
    workdirs.prepare(self.workdir, c)  # config.json: how run.py and the API read the run
    if int(s.finished) != RUNNING:
      print(f'{self.workdir} finished at step {step} '
            f'({WHY_FINISHED[int(s.finished)]})', flush=True)
    steps_run, start_time = 0, time.time()  # for the rate: a roll-back moves step back
    self.clock = start_time
    with faults.signals_deferred() as signals:
      try:
        if not self.saves.latest.checkpoints:
          if c.track_lengths:
            self.track(step)
          self.save(step)  # a NaN before the first validation has somewhere to go back to
        while (step < c.max_steps and not self.out_of_time(step) and
               int(s.finished) == RUNNING and not signals):
          stepped_from = step
          step, metrics = self.train_one_step(step)
          steps_run += 1
          if step <= stepped_from:
            continue  # went back to a checkpoint
          if step % c.log_every == 0 or step == c.max_steps:
            self.log(step, metrics, steps_run / (time.time() - start_time))
          if step % c.probe_every == 0:
            self.probe(step)
          if c.track_lengths and step % c.track_every == 0:
            self.track(step)  # before the checkpoint, so that a resume keeps its record
          if step % c.eval_every == 0 or step == c.max_steps:
            step = self.validate_and_save(step)
        if signals:
          self.count_time()
          self.save(step)
          raise faults.Interrupted(signals[0], step)
        if self.out_of_time(step):
          print(f'stopped at step {step}: --max_hours={c.max_hours:g} of training time '
                'spent', flush=True)
      except faults.WriteFailed as error:
        intact = (f'the checkpoint of step {self.saves.saved_step} is intact'
                  if self.saves.latest.checkpoints else 'no checkpoint was written yet')
        raise faults.WriteFailed(f'{error}; {intact}: make room, then run the same command '
                                 'to go on') from None
    # The loop ends on a checkpoint, so the training time is the one saved: running a
    # finished run again adds none.
    self.saves.restore_best_weights()
    return step

  def train_one_step(self, step: int) -> tuple:
    """One update (skipped if its loss or gradient is NaN or Inf); returns the step
    training goes on from and the step's metrics."""
    c, s = self.config, self.state
    parts, length = self.data.batch(step, int(s.curriculum_length), int(s.stage))
    metrics = {k: float(v) for k, v in self.train_step(
        parts, tf.constant([c.seed, step], tf.int32), self.learning_rate(step),
        optim.gradient_noise_std(c.grad_noise, step)).items()}
    step = int(s.step.assign_add(1))
    if metrics['skipped']:
      return self.skip_update(step, metrics), metrics
    self.nonfinite = 0
    s.window.assign_add([metrics['loss']] + [metrics[k] for k in self.model.extras] + [1.0])
    if length is not None:
      self.curriculum.record(s, length, 1 - metrics['sequence_accuracy'])
      self.maybe_advance_curriculum()
    return step, metrics

  def skip_update(self, step: int, metrics: dict) -> int:
    """Logs a skipped update; NONFINITE_LIMIT in a row go back to the latest checkpoint
    with a lower rate. Returns the step training goes on from."""
    self.nonfinite += 1
    print(f'  step {step}: loss {metrics["loss"]}, gradient norm {metrics["grad_norm"]}; '
          f'update skipped ({self.nonfinite} in a row)', flush=True)
    self.write({'step': step, 'skipped_update': 1.0, 'train/loss': metrics['loss'],
                'train/grad_norm': metrics['grad_norm']})
    if self.nonfinite < NONFINITE_LIMIT:
      return step
    self.nonfinite = 0
    back_to = self.go_back(best=False)
    self.returns[back_to] += 1
    if self.returns[back_to] > NONFINITE_RETURNS:
      raise faults.Diverged(
          f'the loss or gradient stayed NaN or Inf after going back to step {back_to} '
          f'{NONFINITE_RETURNS} times, each with a lower learning rate; try a lower --lr '
          'or --max_grad_norm, or another --seed')
    print(f'  {NONFINITE_LIMIT} updates in a row skipped; back to step {back_to} with '
          f'learning rate {self.learning_rate(back_to):.2g}', flush=True)
    self.write({'step': step, 'nonfinite_back_to': back_to,
                'lr': self.learning_rate(back_to)})
    return back_to

  def validate_and_save(self, step: int) -> int:
    """Validates, decides whether the run is finished and saves a checkpoint; returns
    the step (a roll-back moves it back)."""
    c, s = self.config, self.state
    self.end_window(step)
    self.maybe_advance_curriculum(at_validation=True)
    solved = self.validate(step)
    step = int(s.step)
    stop_early = 0 < c.early_stopping <= int(s.since_best)
    s.finished.assign(SOLVED if solved else STOPPED_EARLY if stop_early else RUNNING)
    self.count_time()
    self.save(step)
    if solved:
      print(f'solved at step {step}: every validation sequence right at lengths '
            f'{c.max_length} and {self.beyond_length()} {SOLVED_STREAK} times in a '
            f'row, then at length {self.config.far_length()}', flush=True)
    elif stop_early:
      print(f'stopped early at step {step}: no new best checkpoint in '
            f'{c.early_stopping} validations', flush=True)
    return step

  def out_of_time(self, step: int) -> bool:
    """Whether --max_hours of training time are spent, asked only on a checkpoint so
    that the run stops on one."""
    hours = self.config.max_hours
    return (hours > 0 and step == self.saves.saved_step and
            float(self.state.seconds) >= hours * 3600)

  def count_time(self) -> None:
    """Adds the wall time since the last call to the run's training time."""
    now = time.time()
    self.state.seconds.assign_add(now - self.clock)
    self.clock = now

  def learning_rate(self, step: int) -> float:
    return self.rate.at(step)

  def maybe_advance_curriculum(self, at_validation: bool = False):
    s = self.state
    if not self.curriculum.advance(s, at_validation):
      return
    self.rate.new_length()
    if self.model.on_curriculum_advance(at_max_length=self.curriculum.at_longest(s)):
      # E.g. merging relaxed weight sets costs accuracy for a while; measured against the
      # best before, that looked like a collapse and rolled back again and again.
      s.best_accuracy.assign(-1.0)
      s.best_beyond_accuracy.assign(-1.0)

  def end_window(self, step: int) -> None:
    """After every eval_every steps: the model adapts to the window's mean loss and
    extras, and the rate schedule to its mean loss."""
    s = self.state
    sums = s.window.numpy()
    if sums[-1] == 0:
      return
    means = dict(zip(('loss',) + tuple(self.model.extras), sums[:-1] / sums[-1]))
    self.model.after_window(means, self.learning_rate(step))
    s.window.assign(tf.zeros_like(s.window))
    self.rate.after_window(means['loss'])

  def beyond_length(self) -> int:
    return self.task.lengths(2 * self.config.max_length, 3 * self.config.max_length)[0]

  def validate(self, step: int) -> bool:
    """Validation accuracies, best checkpoint, learning-rate plateau; True if solved."""
    c, s = self.config, self.state
    curriculum = int(s.curriculum_length)
    lengths = {'curriculum': curriculum, 'max': c.max_length, 'beyond': self.beyond_length()}
    examples = {name: evaluate.held_out(self.task, length, VALIDATION_EXAMPLES,
                                        split='validation')
                for name, length in lengths.items()}
    results = {name: evaluate.accuracy(self.predict, *examples[name]) for name in lengths}
    target = results['max']['sequence_accuracy']
    # A collapse from a model right at least half the time; below that, accuracy at
    # max_length swings widely while the curriculum is still short.
    if c.roll_back and float(s.best_accuracy) >= 0.5 and target < float(s.best_accuracy) / 2:
      self.roll_back(step, target)
      return False
    beyond = results['beyond']['sequence_accuracy']
    # Ties at max_length go to the model that generalizes further, then to the later one.
    if (target, beyond) >= (float(s.best_accuracy), float(s.best_beyond_accuracy)):
      s.best_accuracy.assign(target)
      s.best_beyond_accuracy.assign(beyond)
      s.since_best.assign(0)
      self.saves.save_best(step)
    else:
      s.since_best.assign_add(1)
    loss = float(self.loss(*examples['curriculum']))
    self.rate.after_validation(loss)
    record = {'step': step, 'curriculum_length': curriculum, 'lr': self.learning_rate(step),
              'validation/curriculum_loss': loss,
              **{f'validation/{k}_{m}': v[m] for k, v in results.items()
                 for m in ('symbol_accuracy', 'sequence_accuracy')}}
    self.write(record)
    shown = {n: k for k, n in lengths.items()}  # once when the curriculum is at max_length
    print(f'  validation at step {step}: sequence accuracy ' + ', '.join(
        f'{evaluate.floor_percent(results[k]["sequence_accuracy"])} at length {n}'
        for n, k in shown.items()), flush=True)
    perfect = (curriculum == c.max_length and self.curriculum.final_stage(s) and
               target == 1.0 and beyond == 1.0)
    s.solved_streak.assign(int(s.solved_streak) + 1 if perfect else 0)
    return int(s.solved_streak) >= SOLVED_STREAK and self.generalizes_far(step)

  def probe(self, step: int) -> None:
    """Logs a quick look at generalization (2 and 10 times the curriculum length) and,
    for the Neural GPU, pictures of the state through the steps on a validation example."""
    curriculum = int(self.state.curriculum_length)
    record = {'step': step}
    for times in (2, 10):
      length = self.task.scaled_length(curriculum, times)
      inputs, targets = evaluate.held_out(self.task, length, PROBE_EXAMPLES, 'validation')
      result = evaluate.accuracy(self.predict, inputs, targets)
      record.update({f'probe/{times}x_{m}': result[m]
                     for m in ('symbol_accuracy', 'sequence_accuracy')})
    self.write(record)
    if not self.draws_state:
      return
    example = evaluate.held_out(self.task, curriculum, 1, 'validation')[0][0]
    with faults.writing('TensorBoard summaries'), self.metrics.writer.as_default(step=step):
      for name, panel in visualize.panels(self.model, example).items():
        tag = 'state/' + re.sub(r'\W+', '_', name)  # summary names take no spaces
        tf.summary.image(tag, visualize.to_unit(panel)[None, :, :, None])

  def track(self, step: int) -> None:
    """Symbol and sequence accuracy on the test examples at --track_lengths, logged for
    learning curves; the time it takes is not training time."""
    c = self.config
    self.count_time()
    record = {'step': step}
    for length in c.lengths_to_track():
      inputs, targets = evaluate.held_out(self.task, length, c.track_examples)
      result = evaluate.accuracy(self.predict, inputs, targets,
                                 evaluate.batch_size(c, length))
      record[f'track/symbols_{length}'] = result['symbol_accuracy']
      record[f'track/sequences_{length}'] = result['sequence_accuracy']
    self.clock = time.time()
    self.write(record)

  def generalizes_far(self, step: int) -> bool:
    """The last check before stopping, too slow to run at every validation."""
    length = self.config.far_length()
    inputs, targets = evaluate.held_out(self.task, length, VALIDATION_EXAMPLES,
                                        split='validation')
    accuracy = evaluate.accuracy(self.predict, inputs, targets)['sequence_accuracy']
    self.write({'step': step, 'validation/far_sequence_accuracy': accuracy})
    print(f'  validation at step {step}: sequence accuracy '
          f'{evaluate.floor_percent(accuracy)} at length {length}', flush=True)
    if accuracy < 1.0:
      self.state.solved_streak.assign(0)
    return accuracy == 1.0

  def roll_back(self, step: int, accuracy: float) -> None:
    """A diverged run goes back to its best checkpoint with a lower learning rate.

    Long-length Neural GPU training can blow up (a gradient spike, then every sequence
    wrong); decaying the rate on a plateau would take many validations to notice.
    """
    best = float(self.state.best_accuracy)
    self.go_back(best=True)
    print(f'  step {step}: validation sequence accuracy {evaluate.floor_percent(accuracy)} '
          f'fell below half the best ({evaluate.floor_percent(best)}); back to step '
          f'{int(self.state.step)} with learning rate '
          f'{self.learning_rate(int(self.state.step)):.2g}', flush=True)
    self.write({'step': step, 'rolled_back_to': int(self.state.step),
                'lr': self.learning_rate(int(self.state.step))})

  def go_back(self, best: bool) -> int:
    """Restores the best or latest checkpoint, keeping the time spent, with a rate lower
    than the one that failed, not the one saved with the checkpoint: the data stream
    replays by step, so the saved rate would fail the same way again. Returns its step."""
    lr, seconds = float(self.state.lr), float(self.state.seconds)
    step = self.restore(best=best)
    self.state.seconds.assign(seconds)
    self.state.lr.assign(min(lr, float(self.state.lr)) * self.config.lr_decay)
    return step

  def log(self, step, metrics, rate):
    s = self.state
    eta = (self.config.max_steps - step) / max(rate, 1e-9)
    record = {'step': step, 'curriculum_length': int(s.curriculum_length),
              'stage': int(s.stage), 'lr': self.learning_rate(step), **self.model.logged(),
              **{f'train/{k}': v for k, v in metrics.items()}}
    self.write(record)
    stage = (f'stage {int(s.stage) + 1}/{self.task.training_stages}  '
             if self.task.training_stages > 1 else '')
    print(f'step {step}/{self.config.max_steps}  {stage}length {int(s.curriculum_length)}  '
          f'loss {metrics["loss"]:.4f}  sequence accuracy '
          f'{100 * metrics["sequence_accuracy"]:.1f}%  {rate:.2f} steps/s  '
          f'ETA {time.strftime("%H:%M:%S", time.gmtime(eta))}', flush=True)

  def write(self, record):
    """Appends record, with the run's training time so far, to metrics.jsonl and
    TensorBoard."""
    self.count_time()
    self.metrics.write({**record, 'train_seconds': float(self.state.seconds)})
