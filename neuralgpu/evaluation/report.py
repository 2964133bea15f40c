"""Evaluation results written out: results.json, a markdown table and a plot by length."""
import json
from pathlib import Path

import matplotlib


matplotlib.use('Agg')  # files only, no display
# pylint: disable=wrong-import-position
from matplotlib import pyplot as plt

from neuralgpu import faults
from neuralgpu.evaluation import tables


# pylint: enable=wrong-import-position


def plot(results: list[dict]):
  """Per-symbol and per-sequence accuracy against length (log axis), a line per model."""
  figure, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
  for ax, metric in zip(axes, ('symbol_accuracy', 'sequence_accuracy')):
    for result in results:
      lengths = [row['length'] for row in result['lengths']]
      ax.plot(lengths, [100 * row[metric] for row in result['lengths']], marker='o',
              label=result['name'])
    ax.set_xscale('log')
    ax.set_xticks(lengths, [str(n) for n in lengths])  # the lengths tested, not decades
    ax.minorticks_off()
    ax.set_xlabel('input length (symbols)')
    ax.set_ylabel(f'{metric.replace("_", " ")} (%)')
    ax.set_ylim(-2, 102)
    ax.grid(True, which='both', alpha=0.3)
  axes[0].legend()
  figure.suptitle(f'{results[0]["task"]}: accuracy on held-out examples by length')
  figure.tight_layout()
  return figure


def write(results: list[dict], directory: Path) -> None:
  """results.json (one model: its result; several: a list), table.md, generalization.png."""
  directory.mkdir(parents=True, exist_ok=True)
  data = results[0] if len(results) == 1 else results
  faults.write_whole(directory / 'results.json', json.dumps(data, indent=2) + '\n')
  (directory / 'table.md').write_text(tables.results(results) + '\n')
  figure = plot(results)
  figure.savefig(directory / 'generalization.png', dpi=100)
  plt.close(figure)
