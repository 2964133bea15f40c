"""What a resume restores besides weights and optimizer, and why a run finished."""
import tensorflow as tf


# Why a run finished, kept in its checkpoints so that running it again does not train on.
RUNNING, SOLVED, STOPPED_EARLY = 0, 1, 2
WHY_FINISHED = {SOLVED: 'solved', STOPPED_EARLY: 'early stopping'}


class TrainState(tf.Module):
  """Everything besides weights and optimizer that a resume must restore."""

  def __init__(self, config, start_length: int, extras: int = 0, owned: dict = None):
    """owned: what the curriculum and the rate schedule keep (their STATE), name ->
    initial value; held here so that checkpoints name it as they always have."""
    super().__init__(name='train_state')
    self.step = tf.Variable(0, dtype=tf.int64, trainable=False)
    self.curriculum_length = tf.Variable(start_length, trainable=False)
    self.stage = tf.Variable(0, trainable=False)  # of a task learned in stages
    self.lr = tf.Variable(config.lr, trainable=False)
    # The best checkpoint's validation sequence accuracy at max_length, beyond it and
    # at --select_length.
    self.best_accuracy = tf.Variable(-1.0, trainable=False)
    self.best_beyond_accuracy = tf.Variable(-1.0, trainable=False)
    self.best_select_accuracy = tf.Variable(-1.0, trainable=False)
    self.solved_streak = tf.Variable(0, trainable=False)  # perfect validations in a row
    # Sums of the training loss and the model's extras over the current window
    # (--window_steps), and the number of steps summed: what the model and the training
    # plateau adapt to.
    self.window = tf.Variable(tf.zeros([extras + 2], tf.float64), trainable=False)
    self.since_best = tf.Variable(0, trainable=False)  # validations without a new best
    self.finished = tf.Variable(RUNNING, trainable=False)
    self.seconds = tf.Variable(0.0, dtype=tf.float64, trainable=False)  # training wall time
    # Size of metrics.jsonl at the checkpoint (-1: unknown, in checkpoints from before).
    self.log_bytes = tf.Variable(-1, dtype=tf.int64, trainable=False)
    for name, initial in (owned or {}).items():
      setattr(self, name, tf.Variable(initial, trainable=False))
