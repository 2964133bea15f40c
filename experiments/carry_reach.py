"""How far a trained addition model carries: carry chains of every length.

    python -m experiments.carry_reach --workdir=DIR --lengths=41,401

At each length (operands of k digits) it asks (bⁿ − 1) + 1 and 1 + (bⁿ − 1) for every
n = 1..k, in base b: a carry entering at the lowest digit and running through n digits
(tasks/structured_operands.chain), the run of digits b − 1 in the first operand or in
the second. The `carry_chain` suite of --mode=eval tries n = 1..8 and then doubling n at
three places; this tries every n at one place, and so finds the model's reach for each
order: the longest n up to which every chain comes out right. The orders differ: the
operands sit in different places of the input, the first where the answer is read.
"""
import numpy as np
from absl import flags

from neuralgpu import cli
from neuralgpu.evaluation import evaluate, tables
from neuralgpu.runs import memory
from tasks import structured_operands
from tasks.arithmetic import ArithmeticTask


FLAGS = flags.FLAGS
PROGRAM = 'experiments.carry_reach'
WRONG_SHOWN = 8  # wrong chain lengths listed per row
# The question, and whether the run of digits b − 1 is its first operand.
ORDERS = {'(bⁿ − 1) + 1': True, '1 + (bⁿ − 1)': False}


def chain_inputs(task: ArithmeticTask, length: int, run_first: bool) -> np.ndarray:
  """The inputs of chain lengths n = 1..k in one operand order, row n - 1 for n."""
  k = (length - 1) // 2
  pairs = [structured_operands.chain(k, task.base, 0, n) for n in range(1, k + 1)]
  runs, ones = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
  return task.layout(runs, ones) if run_first else task.layout(ones, runs)


def reach(right: np.ndarray) -> int:
  """right[n - 1]: the chain of n digits is right. The longest n up to which every one
  is (0 if the first is wrong)."""
  return int(np.argmin(right)) if not right.all() else len(right)


def main():
  if not FLAGS.workdir:
    cli.fail(PROGRAM, '--workdir is required: a trained run of an addition task')
  lengths = cli.int_list(PROGRAM, 'lengths', FLAGS.lengths, low=1)
  cli.import_tensorflow_quietly()
  from neuralgpu import api  # pylint: disable=import-outside-toplevel  (after the above)
  try:
    run = api.load(FLAGS.workdir)
    if not (isinstance(run.task, ArithmeticTask) and run.task.op == '+'):
      raise ValueError(f'{FLAGS.workdir} was trained on {run.task.name}; carry chains need '
                       'an addition task (e.g. badd)')
    for length in lengths:
      run.task.check_length(length)
    memory.evaluation_fits(run.config, lengths)
  except ValueError as error:
    cli.fail(PROGRAM, str(error))
  print(f'{FLAGS.workdir}: {run.task.name}, best checkpoint (step {run.step}); a carry '
        'entering at the lowest digit\n')
  print(tables.head(['length', 'question', 'chains right',
                     'reach (every chain up to n digits right)', 'wrong chain lengths']))
  for length in lengths:
    for order, run_first in ORDERS.items():
      inputs = chain_inputs(run.task, length, run_first)
      predictions = evaluate.predict_all(run.predict, inputs,
                                         evaluate.batch_size(run.config, length))
      right = (predictions == run.task.targets(inputs)).all(axis=1)
      wrong = (np.flatnonzero(~right) + 1).tolist()
      listed = ', '.join(map(str, wrong[:WRONG_SHOWN])) + (', …' if len(wrong) > WRONG_SHOWN
                                                           else '')
      print(tables.row([length, order, f'{right.sum()}/{len(right)}', reach(right),
                        listed or 'none']), flush=True)


def define_flags():
  """The program's flags, defined when it runs rather than on import: tests import this
  module beside other programs that define --workdir too."""
  flags.DEFINE_string('workdir', None, 'A trained run of an addition task.')
  flags.DEFINE_list('lengths', ['41', '401'], 'Input lengths to try, comma-separated.')


if __name__ == '__main__':
  define_flags()
  cli.run(PROGRAM, main)
