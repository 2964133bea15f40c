"""--mode=trace: what the state does through the steps, one step at a time, so that it
runs at any length: to see where a model exact at one length goes wrong at a longer one.

Per step, over the examples: the answer symbols read out wrong (the answer is read from
the state after every step, as it is after the last), the read-out symbols that changed
since the step before, the size of the state and of its change (root mean square), and
for each gate the share of its values strictly between 0 and 1: a gate that is not
fully open or shut mixes old and new state, so a value it should keep leaks.

At the end, every symbol of the final answer is placed in time: a right one by the step
from which it stayed right (when the answer had formed), a wrong one by the longest run
of steps it was read right. A symbol held right for a good share of the steps and then
lost points to a state that drifts; one never right (or right only for a few steps, as
a guess at an unfinished answer may be) to a computation that went wrong.
"""
import numpy as np
import tensorflow as tf

from neuralgpu.evaluation import evaluate, tables
from tasks.base import PAD


# A wrong symbol read right for at least this share of the steps in a row was held, then
# lost: more than an unfinished answer's guess.
HELD_SHARE = 0.1


def rms(x) -> float:
  return float(tf.sqrt(tf.reduce_mean(tf.square(x))))


def leaking(gate) -> float:
  """The share of a gate's values strictly between 0 and 1."""
  return float(tf.reduce_mean(tf.cast((gate > 0) & (gate < 1), tf.float32)))


def one_batch(model, inputs, targets) -> tuple[list[dict], np.ndarray, np.ndarray, np.ndarray]:
  """(per-step sums over the batch, final read-out, step from which each symbol stayed
  right or -1, the longest run of steps each symbol was read right)."""
  rows, previous_state, previous_read = [], None, None
  right_since = np.full(targets.shape, -1)
  streak, longest = np.zeros(targets.shape, int), np.zeros(targets.shape, int)
  examples = len(inputs)
  for step, (state, gates) in enumerate(model.states(inputs)):
    read = np.asarray(model.predictions(model.readout(state)))
    right = read == targets
    right_since = np.where(right, np.where(right_since < 0, step, right_since), -1)
    streak = np.where(right, streak + 1, 0)
    longest = np.maximum(longest, streak)
    row = {'wrong_symbols': float((~right).sum()), 'state_rms': rms(state) * examples}
    if previous_state is not None:
      row['change_rms'] = rms(state - previous_state) * examples
      row['changed_symbols'] = float((read != previous_read).sum())
    row.update({f'{name} leaking': leaking(gate) * examples for name, gate in gates.items()})
    rows.append(row)
    previous_state, previous_read = state, read
  return rows, read, right_since, longest


def statistics(model, inputs: np.ndarray, targets: np.ndarray, batch: int,
               on_batch=None) -> dict:
  """The per-step means over the examples and where in time the final answer's symbols
  formed or went wrong; on_batch(examples done) after each batch."""
  totals, reads, since, longest = None, [], [], []
  for start in range(0, len(inputs), batch):
    rows, read, right_since, held = one_batch(
        model, inputs[start:start + batch], targets[start:start + batch])
    totals = rows if totals is None else [
        {name: total[name] + row[name] for name in row} for total, row in zip(totals, rows)]
    reads.append(read)
    since.append(right_since)
    longest.append(held)
    if on_batch:
      on_batch(len(read))
  read, right_since, longest = map(np.concatenate, (reads, since, longest))
  right = read == targets
  steps = len(totals) - 1
  return {
      'length': inputs.shape[1], 'examples': len(inputs), 'steps': steps,
      'sequences_right': int(right.all(axis=1).sum()),
      'wrong_symbols': int((~right).sum()),
      # Written where the answer has ended (its padding): a wrong end, not a wrong digit.
      'wrong_after_answer': int((~right & (targets == PAD)).sum()),
      'never_right': int((~right & (longest == 0)).sum()),
      'held_then_lost': int((~right & (longest >= HELD_SHARE * steps)).sum()),
      # Of each wrong symbol: the longest run of steps it was read right.
      'wrong_held_right_steps': sorted((int(n) for n in longest[~right]), reverse=True),
      # When the answer had formed: the step by which 99% of its right symbols stayed right.
      'formed_by_step': (int(np.percentile(right_since[right], 99, method='higher'))
                         if right.any() else None),
      'per_step': [{'step': step, **{name: value / len(inputs) for name, value in row.items()}}
                   for step, row in enumerate(totals)]}


def summary_table(results: list[dict]) -> str:
  """One markdown row per length."""
  gates = [name for name in results[0]['per_step'][-1] if name.endswith(' leaking')]
  header = ['length', 'examples', 'sequences right', 'wrong symbols', 'of them after the answer',
            'never right', f'right for ≥ {HELD_SHARE:.0%} of the steps, then lost',
            'answer formed by step'] + [f'{name} (mean over steps)' for name in gates]
  rows = []
  for result in results:
    means = [np.mean([row[name] for row in result['per_step'][1:]]) for name in gates]
    rows.append([str(result[key]) for key in (
        'length', 'examples', 'sequences_right', 'wrong_symbols', 'wrong_after_answer',
        'never_right', 'held_then_lost')] +
                [f'{result["formed_by_step"]} of {result["steps"]}'] +
                [f'{100 * m:.2f}%' for m in means])
  return tables.markdown(header, rows)


def figure(results: list[dict], title: str):
  """Panels against the step as a share of the run's steps: a colour per length, a line
  style per quantity where a panel has several."""
  from neuralgpu.evaluation.report import plt  # pylint: disable=import-outside-toplevel
  gates = [name for name in results[0]['per_step'][-1] if name.endswith(' leaking')]
  panels = {'answer symbols read out wrong (per example)': ['wrong_symbols'],
            'read-out symbols changed (per example)': ['changed_symbols'],
            'root mean square of the state and its change': ['state_rms', 'change_rms'],
            'share of gate values strictly between 0 and 1': gates}
  styles = ['-', '--', ':', '-.']
  fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
  for ax, (name, metrics) in zip(axes[0], panels.items()):
    for index, result in enumerate(results):
      rows = result['per_step'][1:]
      x = [row['step'] / result['steps'] for row in rows]
      for metric, style in zip(metrics, styles * len(metrics)):
        ax.plot(x, [row[metric] for row in rows], color=f'C{index}', linestyle=style,
                linewidth=1, label=f'{result["length"]}' +
                (f' {metric.removesuffix(" leaking").removesuffix("_rms")}'
                 if len(metrics) > 1 else ''))
    ax.set_title(name, fontsize=9)
    ax.set_xlabel('step / steps of the run')
    ax.legend(fontsize=7)
  fig.suptitle(title, fontsize=10)
  fig.tight_layout()
  return fig


def trace_lengths(model, config, chosen: dict) -> list[dict]:
  """statistics() on the examples of each length ({length: (inputs, targets)})."""
  meter = evaluate.Progress(sum(len(x) * length**2 for length, (x, _) in chosen.items()))
  return [statistics(model, inputs, targets, evaluate.batch_size(config, length),
                     lambda n, length=length: meter.advance(length, n, f'length {length}'))
          for length, (inputs, targets) in chosen.items()]
