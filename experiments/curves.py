"""Learning curves of several runs in one figure: symbol (for binary tasks: bit) and
sequence accuracy at each measured length, against training steps and training time.

    python -m experiments.curves --runs=ours.jsonl:ours,ref.jsonl:reference --out=fig.png

A run is a workdir or a stored run (its validation's accuracies at max_length, beyond it
and --select_length, and any tracked lengths; a two-stage run's stages one after the
other), or a JSON-lines file whose records carry `step`, `train_seconds` and, for
each length N measured, `symbols_N` and `sequences_N` (fractions; `track/symbols_N`
and `track/sequences_N` in the metrics.jsonl of a run trained with --track_lengths);
other records are skipped.
"""
import json
import re
from pathlib import Path

from absl import flags

from neuralgpu import cli, lengths
from neuralgpu.evaluation.report import plt
from neuralgpu.runs import stored
from neuralgpu.runs import workdir as workdirs


flags.DEFINE_list('runs', [], 'FILE:LABEL pairs, one per run (FILE: a metrics.jsonl or '
                  'records of the same form, or a run\'s directory).')
flags.DEFINE_string('out', 'curves.png', 'The figure (PNG).')
flags.DEFINE_string('title', '', 'A title over the panels.')
FLAGS = flags.FLAGS
PROGRAM = 'experiments.curves'
MEASURE = re.compile(r'^(?:track/)?(symbols|sequences)_(\d+)$')
VALIDATION = re.compile(r'^validation/(max|beyond|select)_(symbol|sequence)_accuracy$')


def read(path: Path) -> list[dict]:
  """The measurement records of a run, their keys without the `track/` prefix."""
  records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
  return [{k.removeprefix('track/'): v for k, v in r.items()} for r in records
          if 'train_seconds' in r and any(map(MEASURE.match, r))]


def run_records(directory: Path) -> list[dict]:
  """The measurement records of the run in directory (a workdir or a stored run): the
  tracked lengths and validation's at max_length, beyond it and --select_length; a
  two-stage run's first stage (start/) first, the second's steps and time after it."""
  first = (run_records(directory / 'start') if (directory / 'start' / 'metrics.jsonl').is_file()
           else [])
  offset = {key: first[-1][key] if first else 0 for key in ('step', 'train_seconds')}
  config = workdirs.read_config(directory / 'config.json')
  validated = {'max': config.max_length, 'beyond': lengths.beyond(config),
               'select': config.select_length}
  records = []
  log = directory / 'metrics.jsonl'  # none yet while a first stage trains
  for line in log.read_text().splitlines() if log.is_file() else []:
    record = json.loads(line)
    measured = {}
    for key, value in record.items():
      found = VALIDATION.match(key)
      if found and validated[found.group(1)]:
        measure = 'sequences' if found.group(2) == 'sequence' else 'symbols'
        measured[f'{measure}_{validated[found.group(1)]}'] = value
      elif MEASURE.match(key.removeprefix('track/')):
        measured[key.removeprefix('track/')] = value
    if measured and 'train_seconds' in record:
      records.append({**measured, **{k: record[k] + offset[k] for k in offset}})
  return first + records


def figure(runs: dict, title: str):
  """runs: label -> records. 2 × 2 panels: sequences and symbols, by step and by time."""
  shown = sorted({int(MEASURE.match(k).group(2)) for records in runs.values()
                    for r in records for k in r if MEASURE.match(k)})
  fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharey='row')
  styles = ['-', '--', ':', '-.', (0, (5, 1)), (0, (1, 3)), (0, (3, 1, 1, 1, 1, 1))]
  for row, measure in enumerate(('sequences', 'symbols')):
    for column, (x_key, x_label) in enumerate((('step', 'training steps'),
                                               ('train_seconds', 'training wall time (s)'))):
      ax = axes[row][column]
      for colour, (label, records) in enumerate(runs.items()):
        for i, length in enumerate(shown):
          points = [(r[x_key], r[f'{measure}_{length}']) for r in records
                    if f'{measure}_{length}' in r]
          if points:
            ax.plot(*zip(*points), linestyle=styles[i % len(styles)], color=f'C{colour}',
                    label=f'{label}, length {length}')
      ax.set_xlabel(x_label)
      ax.set_ylabel(f'{"sequence" if measure == "sequences" else "symbol"} accuracy')
      ax.set_ylim(-0.02, 1.02)
      ax.grid(alpha=0.3)
  axes[0][0].legend(fontsize=8)
  if title:
    fig.suptitle(title, fontsize=10)
  fig.tight_layout()
  return fig


def main():
  runs = {}
  for item in FLAGS.runs:
    path, _, label = item.rpartition(':')
    if path and (Path(path) / 'config.json').is_file():
      try:
        if stored.is_stored(Path(path)):
          stored.manifest(Path(path))
        runs[label] = run_records(Path(path))
      except ValueError as error:
        cli.fail(PROGRAM, f'--runs: {error}')
    elif path and Path(path).is_file():
      runs[label] = read(Path(path))
    else:
      cli.fail(PROGRAM, f'--runs: {item!r} is not FILE:LABEL of an existing file or run '
               'directory')
    if not runs[label]:
      cli.fail(PROGRAM, f'--runs: {path} holds no record with train_seconds and symbols_N or '
               'sequences_N (train with --track_lengths, or give a run\'s directory)')
  if not runs:
    cli.fail(PROGRAM, '--runs is empty; give FILE:LABEL pairs, comma-separated')
  fig = figure(runs, FLAGS.title)
  fig.savefig(FLAGS.out, dpi=100)
  print(f'wrote {FLAGS.out}')


if __name__ == '__main__':
  cli.run(PROGRAM, main)
