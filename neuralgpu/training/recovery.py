"""What training does when it fails: updates with a NaN or Inf loss or gradient are
skipped, NONFINITE_LIMIT of them in a row go back to the latest checkpoint, and a
collapse found by validation goes back to the best one; each time with a lower rate."""
import collections

from neuralgpu import faults
from neuralgpu.evaluation import evaluate


# Going back to one checkpoint more than NONFINITE_RETURNS times ends the run.
NONFINITE_LIMIT = 3
NONFINITE_RETURNS = 3


class Recovery:

  def __init__(self, config, state, saves, rate, write):
    self.config, self.state, self.saves, self.rate = config, state, saves, rate
    self.write = write  # appends a record to the run's metrics
    self.nonfinite = 0  # updates skipped in a row
    self.returns = collections.Counter()  # steps gone back to for NaN or Inf

  def update_applied(self) -> None:
    self.nonfinite = 0

  def update_skipped(self, step: int, metrics: dict) -> int:
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
    back_to = self.restore_with_lower_rate(best=False)
    self.returns[back_to] += 1
    if self.returns[back_to] > NONFINITE_RETURNS:
      raise faults.Diverged(
          f'the loss or gradient stayed NaN or Inf after going back to step {back_to} '
          f'{NONFINITE_RETURNS} times, each with a lower learning rate; try a lower --lr '
          'or --max_grad_norm, or another --seed')
    print(f'  {NONFINITE_LIMIT} updates in a row skipped; back to step {back_to} with '
          f'learning rate {self.rate.at(back_to):.2g}', flush=True)
    self.write({'step': step, 'nonfinite_back_to': back_to, 'lr': self.rate.at(back_to)})
    return back_to

  def roll_back_collapse(self, step: int, accuracy: float) -> None:
    """A collapsed run goes back to its best checkpoint with a lower learning rate.

    Long-length Neural GPU training can blow up (a gradient spike, then every sequence
    wrong); decaying the rate on a plateau would take many validations to notice.
    """
    best = float(self.state.best_accuracy)
    back_to = self.restore_with_lower_rate(best=True)
    print(f'  step {step}: validation sequence accuracy {evaluate.floor_percent(accuracy)} '
          f'fell below half the best ({evaluate.floor_percent(best)}); back to step '
          f'{back_to} with learning rate {self.rate.at(back_to):.2g}', flush=True)
    self.write({'step': step, 'rolled_back_to': back_to, 'lr': self.rate.at(back_to)})

  def restore_with_lower_rate(self, best: bool) -> int:
    """Restores the best or latest checkpoint, keeping the time spent, with a rate lower
    than the one that failed, not the one saved with the checkpoint: the data stream
    replays by step, so the saved rate would fail the same way again. Returns its step."""
    lr, seconds = float(self.state.lr), float(self.state.seconds)
    step = self.saves.restore(best=best)
    self.state.seconds.assign(seconds)
    self.state.lr.assign(min(lr, float(self.state.lr)) * self.config.lr_decay)
    return step
