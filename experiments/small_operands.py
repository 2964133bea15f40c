"""Which small operands a trained two-operand model gets wrong: a op x and x op a for
every a = 1..--largest, with long random x.

    python -m experiments.small_operands --workdir=DIR --lengths=401 --largest=63 --draws=3

At each length (operands of k digits) it asks a op x and x op a for every a up to
--largest, each with --draws random k-digit x (drawn from a generator seeded by k and the
base, so the same for every model). The `short_operands` suite of --mode=eval tries one
drawn operand of each length 1, 2, 4, ...; this tries every small value, in both orders:
the operands sit in different places of the input, the first where the answer is read.
It found every published multiplication model right on x × a for every a and x tried,
and most wrong on some a × x (the table in docs/results.md, Multiplication).
"""
import time

import numpy as np
from absl import flags

from experiments import probe_results
from neuralgpu import cli
from neuralgpu.evaluation import evaluate, tables
from neuralgpu.runs import memory
from tasks import structured_operands
from tasks.two_operand import TwoOperandTask


FLAGS = flags.FLAGS
PROGRAM = 'experiments.small_operands'
WRONG_SHOWN = 12  # wrong small operands listed per row
ORDERS = {'a op x': True, 'x op a': False}  # the question, and whether a comes first


def digits(value: int, k: int, base: int) -> list[int]:
  """value's k little-endian digits in base."""
  return [value // base**i % base for i in range(k)]


def small_operand_inputs(task: TwoOperandTask, length: int, largest: int, draws: int,
                         small_first: bool) -> tuple[np.ndarray, np.ndarray]:
  """The inputs a op x (or x op a) for a = 1..largest, `draws` rows each, and each row's
  a. ValueError if `largest` does not fit the operands at this length."""
  k = (length - 1) // 2
  if largest >= task.base**k:
    raise ValueError(f'--largest={largest} does not fit in the {k}-digit operands of '
                     f'length {length}; give a length of at least '
                     f'{2 * len(np.base_repr(largest, task.base)) + 1}')
  rng = np.random.default_rng([k, task.base])
  long = [structured_operands.drawn(rng, k, task.base) for _ in range(draws)]
  smalls = np.repeat(np.arange(1, largest + 1), draws)
  a = np.array([digits(int(value), k, task.base) for value in smalls])
  x = np.array(long * largest)
  return (task.layout(a, x) if small_first else task.layout(x, a)), smalls


def orders(task: TwoOperandTask) -> dict[str, bool]:
  """The questions asked of task: both orders, or x op a alone where the task takes the
  larger operand first (a - b)."""
  return {order: first for order, first in ORDERS.items()
          if not (first and task.larger_first)}


def wrong_counts(smalls: np.ndarray, right: np.ndarray) -> dict[str, int]:
  """{'11': 3, '24': 1}: each small operand with a wrong answer, how many of its draws."""
  return {str(a): int((~right[smalls == a]).sum()) for a in np.unique(smalls[~right])}


def wrong_listing(wrong: dict[str, int], draws: int) -> str:
  """'11 (3/3), 24 (1/3)': the wrong_counts as a table cell."""
  listed = [f'{a} ({count}/{draws})' for a, count in wrong.items()]
  return ', '.join(listed[:WRONG_SHOWN]) + (', …' if len(listed) > WRONG_SHOWN else '')


def main():
  if not FLAGS.workdir:
    cli.fail(PROGRAM, '--workdir is required: a trained run of a two-operand task')
  lengths = cli.int_list(PROGRAM, 'lengths', FLAGS.lengths, low=1)
  for name in ('largest', 'draws'):
    if getattr(FLAGS, name) < 1:
      cli.fail(PROGRAM, f'--{name}={getattr(FLAGS, name)} is not valid; give an integer >= 1')
  cli.import_tensorflow_quietly()
  from neuralgpu import api  # pylint: disable=import-outside-toplevel  (after the above)
  try:
    run = api.load(FLAGS.workdir, FLAGS.eval_step_factor)
    if not isinstance(run.task, TwoOperandTask):
      raise ValueError(f'{FLAGS.workdir} was trained on {run.task.name}; small operands '
                       'need a two-operand task (e.g. bmul or badd)')
    questions = {}
    for length in lengths:
      run.task.check_length(length)
      for order, small_first in orders(run.task).items():
        questions[length, order] = small_operand_inputs(run.task, length, FLAGS.largest,
                                                        FLAGS.draws, small_first)
    memory.evaluation_fits(run.config, lengths)
  except ValueError as error:
    cli.fail(PROGRAM, str(error))
  print(f'{FLAGS.workdir}: {run.task.name}, best checkpoint (step {run.step}); a = 1 to '
        f'{FLAGS.largest}, {FLAGS.draws} random x each\n')
  print(tables.head(['length', 'question', 'right', 'wrong a (draws wrong)']))
  started, rows = time.time(), []
  for (length, order), (inputs, smalls) in questions.items():
    predictions = evaluate.predict_all(run.predict, inputs,
                                       evaluate.batch_size(run.config, length))
    right = (predictions == run.task.targets(inputs)).all(axis=1)
    rows.append({'length': length, 'question': order.replace('op', run.task.op),
                 'right': int(right.sum()), 'of': len(right),
                 'wrong': wrong_counts(smalls, right)})
    print(tables.row([length, rows[-1]['question'], f'{right.sum()}/{len(right)}',
                      wrong_listing(rows[-1]['wrong'], FLAGS.draws) or 'none']), flush=True)
  flags_given = {'lengths': ','.join(map(str, lengths)), 'largest': FLAGS.largest,
                 'draws': FLAGS.draws,
                 **probe_results.step_factor_flag(run)}
  print(probe_results.write(FLAGS.workdir, 'small_operands', flags_given, run.step,
                            time.time() - started, rows))


def define_flags():
  """The program's flags, defined when it runs rather than on import: tests import this
  module beside other programs that define --workdir too."""
  flags.DEFINE_string('workdir', None, 'A trained run of a two-operand task.')
  flags.DEFINE_list('lengths', ['401'], 'Input lengths to try, comma-separated.')
  flags.DEFINE_integer('largest', 63, 'The small operands tried are 1 to this.')
  flags.DEFINE_integer('draws', 3, 'Random long operands tried with each small one.')
  probe_results.define_step_factor_flag()


if __name__ == '__main__':
  define_flags()
  cli.run(PROGRAM, main)
