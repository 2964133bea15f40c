"""Refactoring changes no number: with --deterministic, the trainer writes the metrics it
wrote when these records were made (tests/data/metrics_*.jsonl, from commit f7de56d;
metrics_ngpu.jsonl made again when validation added hard inputs' accuracies, every number
it had the same).

To make them again after a change that is meant to change training:
    python -m tests.test_same_metrics
"""
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from experiments import presets
from neuralgpu.training.train import Trainer


pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / 'data'
# Every part of a step: the Neural GPU with relaxation, dropout, noise, the curriculum and
# its advances, probes; the DNGPU with bins, a pool, AdaMax, rate noise and the saturation
# cost; both validate, keep a best checkpoint and decay the rate.
RUNS = {
    'ngpu': ('smoke', dict(relax_sets=2, grad_noise=0.1, dropout=0.2, hard_fraction=0.5,
                           max_steps=36, eval_every=6, log_every=3, probe_every=12,
                           curriculum_threshold=0.9, lr=0.03, lr_patience=1)),
    'dngpu': ('quick', dict(maps=8, bins='5,9', max_length=9, train_pool=50, max_steps=16,
                            eval_every=4, window_steps=4, log_every=2, probe_every=8,
                            track_lengths='9,19', track_every=8, track_examples=8)),
}


def records(name: str, workdir: Path) -> list[dict]:
  experiment, settings = RUNS[name]
  config = dataclasses.replace(presets.config(experiment, settings), deterministic=True)
  Trainer(config, workdir).train()
  lines = (workdir / 'metrics.jsonl').read_text().splitlines()
  return [{k: v for k, v in json.loads(line).items() if k != 'train_seconds'}
          for line in lines]


@pytest.mark.parametrize('name', sorted(RUNS))
def test_the_trainer_writes_the_metrics_it_wrote_before(name, tmp_path):
  expected = [json.loads(line) for line in (DATA / f'metrics_{name}.jsonl').open()]
  written = records(name, tmp_path)
  assert [sorted(r) for r in written] == [sorted(r) for r in expected]
  for got, want in zip(written, expected):
    for key, value in want.items():
      np.testing.assert_allclose(got[key], value, rtol=1e-5, atol=1e-7, err_msg=key)


if __name__ == '__main__':
  import tempfile  # pylint: disable=import-outside-toplevel
  for run_name in sys.argv[1:] or sorted(RUNS):
    with tempfile.TemporaryDirectory() as held:
      made = records(run_name, Path(held))
    (DATA / f'metrics_{run_name}.jsonl').write_text(
        ''.join(json.dumps(r) + '\n' for r in made))
    print(f'{run_name}: {len(made)} records')
