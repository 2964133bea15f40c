"""Learning curves of several runs in one figure: symbol (for binary tasks: bit) and
sequence accuracy at each measured length, against training steps and training time.

    python -m experiments.curves --runs=ours.jsonl:ours,ref.jsonl:reference --out=fig.png

Each run is a JSON-lines file whose records carry `step`, `train_seconds` and, for
each length N measured, `symbols_N` and `sequences_N` (fractions; `track/symbols_N`
and `track/sequences_N` in the metrics.jsonl of a run trained with --track_lengths);
other records are skipped.
"""
import json
import re
from pathlib import Path

from absl import flags

from neuralgpu import cli
from neuralgpu.report import plt

flags.DEFINE_list('runs', [], 'FILE:LABEL pairs, one per run (FILE: a metrics.jsonl or '
                  'records of the same form).')
flags.DEFINE_string('out', 'curves.png', 'The figure (PNG).')
flags.DEFINE_string('title', '', 'A title over the panels.')
FLAGS = flags.FLAGS
PROGRAM = 'experiments.curves'
MEASURE = re.compile(r'^(?:track/)?(symbols|sequences)_(\d+)$')


def read(path: Path) -> list[dict]:
  """The measurement records of a run, their keys without the `track/` prefix."""
  records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
  return [{k.removeprefix('track/'): v for k, v in r.items()} for r in records
          if 'train_seconds' in r and any(map(MEASURE.match, r))]


def figure(runs: dict, title: str):
  """runs: label -> records. 2 × 2 panels: sequences and symbols, by step and by time."""
  lengths = sorted({int(MEASURE.match(k).group(2)) for records in runs.values()
                    for r in records for k in r if MEASURE.match(k)})
  fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharey='row')
  styles = ['-', '--', ':', '-.']
  for row, measure in enumerate(('sequences', 'symbols')):
    for column, (x_key, x_label) in enumerate((('step', 'training steps'),
                                               ('train_seconds', 'training wall time (s)'))):
      ax = axes[row][column]
      for colour, (label, records) in enumerate(runs.items()):
        for style, length in zip(styles, lengths):
          points = [(r[x_key], r[f'{measure}_{length}']) for r in records
                    if f'{measure}_{length}' in r]
          if points:
            ax.plot(*zip(*points), style, color=f'C{colour}',
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
    if not path or not Path(path).is_file():
      cli.fail(PROGRAM, f'--runs: {item!r} is not FILE:LABEL of an existing file')
    runs[label] = read(Path(path))
    if not runs[label]:
      cli.fail(PROGRAM, f'--runs: {path} holds no record with train_seconds and symbols_N or '
               'sequences_N (train with --track_lengths)')
  if not runs:
    cli.fail(PROGRAM, '--runs is empty; give FILE:LABEL pairs, comma-separated')
  fig = figure(runs, FLAGS.title)
  fig.savefig(FLAGS.out, dpi=100)
  print(f'wrote {FLAGS.out}')


if __name__ == '__main__':
  cli.run(PROGRAM, main)
