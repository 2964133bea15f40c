"""How a run shares the cores: one thread per operation where a step's bins can run side
by side, and evaluation batches side by side then."""
import subprocess
import sys

import numpy as np

from neuralgpu import threads
from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate
from tests.support import ROOT

BINNED = dict(task='badd', model='dngpu', batching='bins', curriculum='none', bins='9,41')


def test_bins_run_one_thread_per_operation_and_single_batches_every_core(monkeypatch):
  monkeypatch.setenv('TF_NUM_INTRAOP_THREADS', '3')
  assert threads.cores() == 3
  assert threads.op_threads(Config(**BINNED).validate()) == 1
  assert threads.op_threads(Config(task='badd').validate()) == 3
  assert threads.op_threads(Config(task='badd', op_threads=2).validate()) == 2


def test_the_cores_are_those_the_process_may_run_on_unless_the_sweep_sized_it(monkeypatch):
  import os  # pylint: disable=import-outside-toplevel
  monkeypatch.delenv('TF_NUM_INTRAOP_THREADS', raising=False)
  assert threads.cores() == len(os.sched_getaffinity(0))


def test_a_binned_run_sets_the_pools_before_tensorflow_starts():
  code = ('from neuralgpu import threads; from neuralgpu.config import Config; '
          f'threads.configure(Config(**{BINNED!r}).validate()); import tensorflow as tf; '
          'tf.constant(1.0) + 1.0; '
          'print(tf.config.threading.get_intra_op_parallelism_threads(), '
          'tf.config.threading.get_inter_op_parallelism_threads(), threads.side_by_side())')
  result = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True,
                          text=True, check=True,
                          env={'TF_NUM_INTRAOP_THREADS': '2', 'TF_CPP_MIN_LOG_LEVEL': '3',
                               'PATH': ''})
  assert result.stdout.split() == ['1', '2', '2']


def test_batches_side_by_side_come_back_in_order_and_each_is_counted(monkeypatch):
  monkeypatch.setattr(threads, 'side_by_side', lambda: 2)
  inputs = np.arange(14).reshape(7, 2)
  seen, done = [], []
  predict = lambda batch: (seen.append(len(batch)), batch * 10)[1]
  out = evaluate.predict_all(predict, inputs, batch=64, on_batch=done.append)
  np.testing.assert_array_equal(out, inputs * 10)
  assert sorted(seen) == [3, 4] and sum(done) == 7  # split so that both threads work
