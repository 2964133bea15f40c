"""The measurements: matrix-product peak, training-step time, evaluation time and
memory, time to solve. Times are medians of repeated runs after warm-up calls (which
trace and compile), except the peak, which is the best run: it is the ceiling."""
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from neuralgpu.evaluation import evaluate
from neuralgpu.training.train import Trainer


ROOT = Path(__file__).resolve().parents[1]
WARMUP = 2


def matmul_peak(size: int, repeats: int) -> float:
  """GFLOP/s of the fastest of `repeats` float32 [size, size] × [size, size] products."""
  a, b = (tf.random.stateless_normal([size, size], [0, i]) for i in range(2))
  product = tf.function(tf.matmul)
  product(a, b).numpy()
  times = []
  for _ in range(repeats):
    start = time.perf_counter()
    product(a, b).numpy()
    times.append(time.perf_counter() - start)
  return 2 * size**3 / min(times) / 1e9


def train_step_seconds(config, length: int, repeats: int) -> float:
  """Median seconds of the trainer's compiled step on one batch of `length`, or, for
  --batching=bins, on one batch of every bin (`length` unused)."""
  with tempfile.TemporaryDirectory() as workdir:
    trainer = Trainer(config, workdir)
    if config.batching == 'bins':
      parts, _ = trainer.data.batch(0, config.max_length)
    else:
      parts = [trainer.task.sample(np.random.default_rng(0), config.batch_size, length)]
    args = (parts, tf.constant([config.seed, 0]), config.lr, 0.0)
    times = []
    for _ in range(WARMUP + repeats):
      start = time.perf_counter()
      float(trainer.train_step(*args)['loss'])  # waits for the step to finish
      times.append(time.perf_counter() - start)
  return statistics.median(times[WARMUP:])


def evaluation(config, length: int, examples: int) -> dict:
  """Forward-only evaluation at `length` in a fresh process, so that its peak memory is
  this length's: seconds per example, batch size, peak resident memory."""
  command = [sys.executable, '-m', 'benchmarks.evaluation', f'--length={length}',
             f'--examples={examples}', '--config=' + json.dumps(dataclasses.asdict(config))]
  result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
  if result.returncode != 0:
    raise RuntimeError(f'evaluation at length {length} failed:\n{result.stderr[-2000:]}')
  return json.loads(result.stdout.strip().splitlines()[-1])


def dngpu_step(config, repeats: int) -> float:
  """train_step_seconds in a fresh process, whose thread pools are config's."""
  command = [sys.executable, '-m', 'benchmarks.dngpu_step', f'--repeats={repeats}',
             '--config=' + json.dumps(dataclasses.asdict(config))]
  result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
  if result.returncode != 0:
    raise RuntimeError(f'the DNGPU step failed:\n{result.stderr[-2000:]}')
  return json.loads(result.stdout.strip().splitlines()[-1])['seconds_per_step']


def time_to_solve(experiment: str, seed: int, workdir: Path, timeout_s: float) -> dict:
  """Trains `experiment` with `seed` from scratch (python run.py, as a user would) for
  at most timeout_s; the training time at which every validation sequence was first right
  at max_length, and at which the trainer found it solved (evaluate.solved, at ten times
  the operand length), from its metrics.jsonl."""
  shutil.rmtree(workdir, ignore_errors=True)
  command = [sys.executable, str(ROOT / 'run.py'), f'--experiment={experiment}',
             f'--seed={seed}', f'--workdir={workdir}', '--eval_examples=1']
  start = time.time()
  try:
    subprocess.run(command, cwd=ROOT, timeout=timeout_s, capture_output=True, check=True)
    timed_out = False
  except subprocess.TimeoutExpired:
    timed_out = True
  except subprocess.CalledProcessError as error:
    raise RuntimeError(f'{" ".join(command)} failed:\n{error.stderr[-2000:]}') from None
  records = [json.loads(line) for line in (workdir / 'metrics.jsonl').read_text().splitlines()]

  def first(key, right):
    hit = next((r for r in records if key in r and right(r[key])), None)
    return None if hit is None else {'step': hit['step'], 'seconds': hit['train_seconds']}

  # The trainer checks the far length only after validations all right at max_length.
  return {'seed': seed,
          'max_length': first('validation/max_sequence_accuracy', lambda a: a == 1.0),
          'far': first('validation/far_sequence_accuracy',
                       lambda a: evaluate.solved(1.0, a)), 'timed_out': timed_out,
          'steps': records[-1]['step'], 'wall_seconds': round(time.time() - start, 1)}
