"""A run's checkpoints: the latest three in WORKDIR/checkpoints and the best one in
WORKDIR/best, each holding the weights, the optimizer and the training state."""
from pathlib import Path

import tensorflow as tf

from neuralgpu import faults, model_registry
from neuralgpu.runs.stored import CHECKPOINT_DIRS
from neuralgpu.training.train_state import TrainState


def best_path(workdir: Path, which: str = 'best'):
  """The path of the run's best checkpoint in WORKDIR/best (which='latest': of its
  latest in WORKDIR/checkpoints), or None if it has none."""
  saved = tf.train.get_checkpoint_state(str(Path(workdir) / CHECKPOINT_DIRS[which]))
  return saved.model_checkpoint_path if saved else None


def best_model(config, workdir: Path, which: str = 'best'):
  """The model of the best checkpoint in workdir (which='latest': of the latest, the
  final weights of a finished run), and its step; UnusableCheckpoint if that cannot be
  read or is of another model. A run training in workdir may replace the checkpoint
  while it is read: then the new one is read."""
  model = model_registry.build(config, len(config.get_task().vocab))
  state = TrainState(config, config.min_length, len(model.extras))
  while True:
    path = best_path(workdir, which)
    try:
      faults.restore(tf.train.Checkpoint(model=model, state=state), model,
                     [path] if path else [], workdir)
      return model, int(state.step)
    except faults.UnusableCheckpoint:
      if best_path(workdir, which) == path:
        raise


class Checkpoints:

  def __init__(self, workdir: Path, model, state, optimizer, log, extras=None):
    self.workdir, self.model, self.state, self.log = Path(workdir), model, state, log
    # 'adam' names the optimizer in checkpoints, whichever it is: runs saved before
    # --optimizer existed resume with their Adam moments. extras: more to keep, by name.
    self.checkpoint = tf.train.Checkpoint(model=model, state=state, adam=optimizer,
                                          **(extras or {}))
    manager = lambda which, kept: tf.train.CheckpointManager(
        self.checkpoint, self.workdir / CHECKPOINT_DIRS[which], kept)
    self.latest, self.best = manager('latest', 3), manager('best', 1)
    self.resumed_at = self.saved_step = None

  def resume(self) -> int:
    """Restores the latest checkpoint that can be read (UnusableCheckpoint if none can)
    and cuts what a killed run logged after it, so metrics.jsonl reads as if the run had
    never stopped; returns the step. Changes nothing in the workdir before it succeeds."""
    if self.resumed_at is None:
      self.resumed_at = self.saved_step = self.restore()
      self.log.cut_to(int(self.state.log_bytes))
    return self.resumed_at

  def restore(self, best=False) -> int:
    """Restores the latest (or best) checkpoint that can be read, saying which newer ones
    cannot; returns its step (0 if there is none)."""
    manager = self.best if best else self.latest
    if manager.checkpoints:
      skipped = faults.restore(self.checkpoint, self.model, manager.checkpoints,
                               self.workdir)
      for path, why in skipped:
        print(f'{path}: {why}; going back to the one before', flush=True)
    return int(self.state.step)

  def start_from(self, source: Path, which: str = 'best') -> None:
    """The model's weights from the best (which='latest': latest) checkpoint of the run in
    source (--start_from); UnusableCheckpoint if there is none this model can take."""
    weights, path = tf.train.Checkpoint(model=self.model), best_path(source, which)
    why = (faults.why_not_restored(weights, self.model, path) if path
           else f'it has no {which} checkpoint')
    if why:
      raise faults.UnusableCheckpoint(f'--start_from={source}: {why}; give the workdir of a '
                                      'trained run of the same model and sizes')
    print(f'starting from the weights of {path}', flush=True)

  def restore_best_weights(self) -> None:
    """The model's weights from the best checkpoint; the training state stays."""
    if self.best.checkpoints:
      faults.restore(tf.train.Checkpoint(model=self.model), self.model,
                     self.best.checkpoints[-1:], self.workdir)

  def save(self, step: int) -> None:
    """A checkpoint of step, with the size of metrics.jsonl then."""
    with faults.writing(f'the checkpoint of step {step}'):
      self.state.log_bytes.assign(self.log.size())
      self.latest.save(step)
    self.saved_step = step

  def save_best(self, step: int) -> None:
    with faults.writing(f'the best checkpoint (step {step})'):
      self.best.save(step)
