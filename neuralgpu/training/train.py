"""The training loop and what it does on the verdicts of the parts it drives: the
compiled step (train_step.py), the curriculum (curriculum.py), validation and the
solved rule (validation.py), checkpoints (checkpoints.py), the state a resume restores
(train_state.py), the learning-rate schedule (rate.py), what to do on a NaN or a collapse
(recovery.py) and the metrics log (metrics_log.py)."""
import contextlib
import time
from pathlib import Path

import tensorflow as tf

from neuralgpu import faults, lengths, model_registry, threads
from neuralgpu.models import precision
from neuralgpu.runs import workdir as workdirs
from neuralgpu.training import curriculum as curricula
from neuralgpu.training import distribute, eta, optim, rate, sessions, weight_average
from neuralgpu.training.checkpoints import Checkpoints
from neuralgpu.training.data import TrainingData
from neuralgpu.training.metrics_log import MetricsLog
from neuralgpu.training.recovery import Recovery
from neuralgpu.training.train_state import (RUNNING, SOLVED, STOPPED_EARLY, WHY_FINISHED,
                                            TrainState)
from neuralgpu.training.train_step import TrainingStep
from neuralgpu.training.validation import SOLVED_STREAK, Validation, Verdict


class Trainer:

  def __init__(self, config, workdir: Path, earlier_stages=()):
    """earlier_stages: with --start_from_preset, the Configs of the runs before this
    one, nearest first (the presets resolve them: experiments.presets.earlier_stages); a
    run resumed with its first stage's workdir (WORKDIR/start) reads them there."""
    self.config, self.workdir = config, Path(workdir)
    self.earlier_stages = tuple(earlier_stages)
    threads.configure(config)  # first: the pools are fixed once TensorFlow runs
    self.metrics = MetricsLog(self.workdir)
    self.task = config.get_task()
    if config.deterministic:
      tf.config.experimental.enable_op_determinism()
    gpus = len(tf.config.list_physical_devices('GPU'))
    distribute.check(config, gpus)
    warning = precision.emulation_warning(config.compute_dtype, gpus > 0)
    if warning:
      print(warning, flush=True)
    self.strategy = distribute.strategy(config.strategy, config.cpu_devices)
    if self.strategy:
      print(f'--strategy={config.strategy}: {self.strategy.num_replicas_in_sync} replicas, '
            f'here on {", ".join(self.strategy.extended.worker_devices)}', flush=True)
    with self.strategy.scope() if self.strategy else contextlib.nullcontext():
      self.model = model_registry.build(config, len(self.task.vocab))
      self.optimizer = optim.OPTIMIZERS[config.optimizer](self.model.trainable_variables)
      self.average = weight_average.build(config, self.model)
    self.curriculum = curricula.build(config, self.task)
    self.data = TrainingData(config, self.task, self.curriculum)
    owned = {**self.curriculum.STATE, **rate.SCHEDULES[config.lr_schedule].STATE}
    self.state = TrainState(config, self.curriculum.start_length(), len(self.model.extras),
                            owned)
    self.rate = rate.build(config, self.state)
    self.saves = Checkpoints(self.workdir, self.model, self.state, self.optimizer,
                             self.metrics, self.average.trackables())
    self.train_step = TrainingStep(config, self.model, self.optimizer, self.strategy)
    self.validation = Validation(config, self.task, self.model, self.curriculum,
                                 self.state, self.saves, self.rate, self.write)
    self.recovery = Recovery(config, self.state, self.saves, self.rate, self.write)
    self.clock = time.time()  # training time is counted from here to each count_time()
    self.pace = eta.Pace(0, 0.0)  # what this session's steps cost; train() starts it

  def train(self) -> int:
    """Trains until max_steps or max_hours, until solved at max_length or until early
    stopping; returns the final step, with the model's weights those of the best
    checkpoint.

    SIGINT and SIGTERM save a checkpoint at the end of the step and raise
    faults.Interrupted; a failed write raises faults.WriteFailed naming the checkpoint
    that is intact."""
    c, s = self.config, self.state
    step = self.saves.resume()
    if step:
      print(f'resuming {self.workdir} at step {step}, curriculum length '
            f'{int(s.curriculum_length)}', flush=True)
    # config.json: how run.py and the API read the run, and a stored training state of
    # its first stage resumes it.
    workdirs.prepare(self.workdir, c)
    source = c.start_from or self.train_first_stage()
    if source and not self.saves.latest.checkpoints:
      self.saves.start_from(source, c.start_from_checkpoint)
      self.average.reset()
    if int(s.finished) == RUNNING and step < c.max_steps:
      sessions.record(self.workdir, step)  # which code trained it, for a stored run
    if int(s.finished) != RUNNING:
      print(f'{self.workdir} finished at step {step} '
            f'({WHY_FINISHED[int(s.finished)]})', flush=True)
    self.clock = time.time()
    # Timed from here: what a resume spent restoring, or a first stage training, is not
    # what the steps to come cost.
    self.pace = eta.Pace(step, float(s.seconds))
    with faults.signals_deferred() as signals:
      try:
        if not self.saves.latest.checkpoints:
          if c.track_lengths:
            self.track(step)
          self.saves.save(step)  # a NaN before the first validation can go back here
        while (step < c.max_steps and not self.out_of_time(step) and
               int(s.finished) == RUNNING and not signals):
          stepped_from = step
          step, metrics = self.train_one_step(step)
          if step <= stepped_from:
            continue  # went back to a checkpoint
          if step % c.log_every == 0 or step == c.max_steps:
            self.log(step, metrics)
          if step % c.probe_every == 0:
            with self.average.in_model():
              self.validation.probe(step, self.metrics.writer)
          if c.track_lengths and step % c.track_every == 0:
            self.track(step)  # before the checkpoint, so that a resume keeps its record
          if step % c.window_steps == 0 or step == c.max_steps:
            self.end_window(step)
          if step % c.eval_every == 0 or step == c.max_steps:
            step = self.validate_and_save(step)
        if signals:
          self.count_time()
          self.saves.save(step)
          raise faults.Interrupted(signals[0], step, self.workdir)
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

  def train_first_stage(self) -> str:
    """--start_from_preset: trains (or resumes, or finds finished) that preset's run in
    WORKDIR/start before this run's first checkpoint, after the stages before it in
    WORKDIR/start/start and so on; its workdir, or '' if there is none to train."""
    name = self.config.start_from_preset
    if not name or self.saves.latest.checkpoints:
      return ''
    workdir = self.workdir / 'start'
    stages = self.earlier_stages
    if not stages and (workdir / 'config.json').is_file():
      stages = (workdirs.read_config(workdir / 'config.json'),)  # it reads its own first
    if not stages:
      raise ValueError(f'--start_from_preset={name}: its run\'s Config is needed, as '
                       'earlier_stages=experiments.presets.earlier_stages(config)')
    print(f'--start_from_preset={name}: its run first, in {workdir}', flush=True)
    Trainer(stages[0], workdir, stages[1:]).train()
    return str(workdir)

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
      return self.recovery.update_skipped(step, metrics), metrics
    self.recovery.update_applied()
    self.average.update()
    s.window.assign_add([metrics['loss']] + [metrics[k] for k in self.model.extras] + [1.0])
    self.curriculum.record(s, length, 1 - metrics['sequence_accuracy'])
    self.maybe_advance_curriculum()
    return step, metrics

  def validate_and_save(self, step: int) -> int:
    """Validates, decides whether the run is finished and saves a checkpoint; returns
    the step (a roll-back moves it back)."""
    c, s = self.config, self.state
    self.maybe_advance_curriculum(at_validation=True)
    solved = self.validate(step)
    step = int(s.step)
    stop_early = 0 < c.early_stopping <= int(s.since_best)
    s.finished.assign(SOLVED if solved else STOPPED_EARLY if stop_early else RUNNING)
    self.count_time()
    self.saves.save(step)
    if solved:
      print(f'solved at step {step}: every validation sequence right at lengths '
            f'{c.max_length} and {lengths.beyond(c)} {SOLVED_STREAK} times '
            f'in a row, then at length {lengths.far(c)}', flush=True)
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
      self.average.reset()
      # E.g. merging relaxed weight sets costs accuracy for a while; measured against the
      # best before, that looked like a collapse and rolled back again and again.
      s.best_accuracy.assign(-1.0)
      s.best_beyond_accuracy.assign(-1.0)
      s.best_select_accuracy.assign(-1.0)

  def end_window(self, step: int) -> None:
    """After every --window_steps steps: the model adapts to the window's mean loss and
    extras, and the rate schedule to its mean loss."""
    s = self.state
    sums = s.window.numpy()
    if sums[-1] == 0:
      return
    means = dict(zip(('loss',) + tuple(self.model.extras), sums[:-1] / sums[-1]))
    self.model.after_window(means, self.learning_rate(step))
    s.window.assign(tf.zeros_like(s.window))
    self.rate.after_window(means['loss'])

  def validate(self, step: int) -> bool:
    """Validates; a collapse goes back to the best checkpoint. True if solved."""
    with self.average.in_model():  # so the best checkpoint holds the averaged weights
      verdict = self.validation.validate(step)
    if verdict == Verdict.COLLAPSED:
      self.recovery.roll_back_collapse(step, self.validation.last_accuracy)
      self.average.reset()
    return verdict == Verdict.SOLVED

  def track(self, step: int) -> None:
    """Logs the tracked accuracies; the time they take is not training time."""
    self.count_time()
    with self.average.in_model():
      record = self.validation.tracked(step)
    self.clock = time.time()
    self.write(record)

  def log(self, step, metrics):
    s = self.state
    record = {'step': step, 'curriculum_length': int(s.curriculum_length),
              'stage': int(s.stage), 'lr': self.learning_rate(step), **self.model.logged(),
              **{f'train/{k}': v for k, v in metrics.items()}}
    self.write(record)
    stage = (f'stage {int(s.stage) + 1}/{self.task.training_stages}  '
             if self.task.training_stages > 1 else '')
    per_step = self.pace.step_seconds()
    pace = f'{1 / per_step:.2f} steps/s' if per_step else 'steps/s not yet timed'
    print(f'step {step}/{self.config.max_steps}  {stage}length {int(s.curriculum_length)}  '
          f'loss {metrics["loss"]:.4f}  sequence accuracy '
          f'{100 * metrics["sequence_accuracy"]:.1f}%  {pace}  '
          f'{eta.describe(self.pace, self.plan(step))}', flush=True)

  def plan(self, step: int) -> eta.Plan:
    """What is left of the run, for its ETA."""
    c, s = self.config, self.state
    # Bins train every length in every step; a curriculum's later lengths cost more.
    settled = c.batching == 'bins' or (self.curriculum.at_longest(s) and
                                       self.curriculum.final_stage(s))
    hours_left = c.max_hours - float(s.seconds) / 3600 if c.max_hours else None
    return eta.Plan(step, c.max_steps, c.eval_every, c.probe_every,
                    int(s.curriculum_length), settled,
                    eta.stop_rule(c.stop_when_solved, c.early_stopping), hours_left)

  def write(self, record):
    """Appends record, with the run's training time so far, to metrics.jsonl and
    TensorBoard."""
    self.count_time()
    record = {**record, 'train_seconds': float(self.state.seconds)}
    self.metrics.write(record)
    self.pace.record(record)
