"""How far a trained addition or multiplication model carries: runs of every length.

    python -m experiments.carry_reach --workdir=DIR --lengths=41,401

At each length (operands of k digits) it asks (bⁿ − 1) op 1, 1 op (bⁿ − 1) and
(bⁿ − 1) op (bⁿ − 1) for every n = 1..k, in base b: a run of n digits b − 1 from the
lowest digit (tasks/structured_operands.chain) in the first operand, the second or both.
For addition the first two are a carry chain through n digits; for multiplication the
product of the first two is the run itself, the third (b²ⁿ − 2bⁿ + 1) carries across
the whole product. The `carry_chain` suite of --mode=eval tries n = 1..8 and then
doubling n at three places, and `all_maximal` the third at n = k alone; this tries every
n at one place, and so finds the model's reach for each question: the longest n up to
which every answer is right. The orders differ: the operands sit in different places of
the input, the first where the answer is read.
"""
import time

import numpy as np
from absl import flags

from experiments import probe_results
from neuralgpu import cli
from neuralgpu.evaluation import evaluate, tables
from neuralgpu.runs import memory
from tasks import structured_operands
from tasks.arithmetic import ArithmeticTask


FLAGS = flags.FLAGS
PROGRAM = 'experiments.carry_reach'
WRONG_SHOWN = 8  # wrong run lengths listed per row
# The questions: each operand the run of n digits b − 1 or the number 1.
QUESTIONS = (('run', 'one'), ('one', 'run'), ('run', 'run'))
WRITTEN = {'run': '(bⁿ − 1)', 'one': '1'}


def question_text(task: ArithmeticTask, question: tuple[str, str]) -> str:
  return f'{WRITTEN[question[0]]} {task.op} {WRITTEN[question[1]]}'


def chain_inputs(task: ArithmeticTask, length: int, question: tuple[str, str]) -> np.ndarray:
  """The inputs of run lengths n = 1..k for one question, row n - 1 for n."""
  k = (length - 1) // 2
  pairs = [structured_operands.chain(k, task.base, 0, n) for n in range(1, k + 1)]
  operands = {'run': np.array([a for a, _ in pairs]), 'one': np.array([b for _, b in pairs])}
  return task.layout(operands[question[0]], operands[question[1]])


def reach(right: np.ndarray) -> int:
  """right[n - 1]: the chain of n digits is right. The longest n up to which every one
  is (0 if the first is wrong)."""
  return int(np.argmin(right)) if not right.all() else len(right)


def main():
  if not FLAGS.workdir:
    cli.fail(PROGRAM, '--workdir is required: a trained run of an addition or '
             'multiplication task')
  lengths = cli.int_list(PROGRAM, 'lengths', FLAGS.lengths, low=1)
  cli.import_tensorflow_quietly()
  from neuralgpu import api  # pylint: disable=import-outside-toplevel  (after the above)
  try:
    run = api.load(FLAGS.workdir, FLAGS.eval_step_factor)
    if not isinstance(run.task, ArithmeticTask):
      raise ValueError(f'{FLAGS.workdir} was trained on {run.task.name}; runs of digits '
                       'b − 1 need an addition or multiplication task (e.g. badd, bmul)')
    for length in lengths:
      run.task.check_length(length)
    memory.evaluation_fits(run.config, lengths)
  except ValueError as error:
    cli.fail(PROGRAM, str(error))
  print(f'{FLAGS.workdir}: {run.task.name}, best checkpoint (step {run.step}); runs from '
        'the lowest digit\n')
  print(tables.head(['length', 'question', 'runs right',
                     'reach (every run up to n digits right)', 'wrong run lengths']))
  started, rows = time.time(), []
  for length in lengths:
    for question in QUESTIONS:
      inputs = chain_inputs(run.task, length, question)
      predictions = evaluate.predict_all(run.predict, inputs,
                                         evaluate.batch_size(run.config, length))
      right = (predictions == run.task.targets(inputs)).all(axis=1)
      wrong = (np.flatnonzero(~right) + 1).tolist()
      rows.append({'length': length, 'question': question_text(run.task, question),
                   'right': int(right.sum()), 'of': len(right), 'reach': reach(right),
                   'wrong': wrong})
      listed = ', '.join(map(str, wrong[:WRONG_SHOWN])) + (', …' if len(wrong) > WRONG_SHOWN
                                                           else '')
      print(tables.row([length, rows[-1]['question'], f'{right.sum()}/{len(right)}',
                        reach(right), listed or 'none']), flush=True)
  print(probe_results.write(FLAGS.workdir, 'carry_reach',
                            {'lengths': ','.join(map(str, lengths)),
                             **probe_results.step_factor_flag(run)},
                            run.step, time.time() - started, rows))


def define_flags():
  """The program's flags, defined when it runs rather than on import: tests import this
  module beside other programs that define --workdir too."""
  flags.DEFINE_string('workdir', None, 'A trained run of an addition or multiplication task.')
  flags.DEFINE_list('lengths', ['41', '401'], 'Input lengths to try, comma-separated.')
  probe_results.define_step_factor_flag()


if __name__ == '__main__':
  define_flags()
  cli.run(PROGRAM, main)
