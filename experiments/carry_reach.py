"""How far a trained addition model carries: carry chains of every length.

    python -m experiments.carry_reach --workdir=DIR --lengths=41,401

At each length (operands of k digits) it asks (bⁿ − 1) + 1 and 1 + (bⁿ − 1) for every
n = 1..k, in base b: a carry entering at the lowest digit and running through n digits
(tasks/structured_operands.chain). The `carry_chain` suite of --mode=eval tries
n = 1..8 and then doubling n at three places; this tries every n at one place, and so
finds the model's reach: the longest n up to which every chain comes out right.
"""
import numpy as np
from absl import flags

from neuralgpu import cli, evaluate, memory
from tasks import structured_operands
from tasks.arithmetic import ArithmeticTask

flags.DEFINE_string('workdir', None, 'A trained run of an addition task.')
flags.DEFINE_list('lengths', ['41', '401'], 'Input lengths to try, comma-separated.')
FLAGS = flags.FLAGS
PROGRAM = 'experiments.carry_reach'
WRONG_SHOWN = 8  # chain lengths listed as wrong per length


def chain_inputs(task: ArithmeticTask, length: int) -> tuple[np.ndarray, np.ndarray]:
  """(chain length of each row, inputs): both operand orders of every chain length."""
  k = (length - 1) // 2
  ns, firsts, seconds = [], [], []
  for n in range(1, k + 1):
    a, b = structured_operands.chain(k, task.base, 0, n)
    for first, second in dict.fromkeys([(tuple(a), tuple(b)), (tuple(b), tuple(a))]):
      ns.append(n)
      firsts.append(first)
      seconds.append(second)
  return np.array(ns), task.layout(np.array(firsts), np.array(seconds))


def reach(ns: np.ndarray, right: np.ndarray) -> int:
  """The longest chain length up to which every chain is right (0 if the first is wrong)."""
  wrong = ns[~right]
  return int(wrong.min()) - 1 if wrong.size else int(ns.max())


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
  print('| length | chains right | reach (every chain up to n digits right) | wrong chain '
        'lengths |')
  print('| ---: | ---: | ---: | --- |')
  for length in lengths:
    ns, inputs = chain_inputs(run.task, length)
    predictions = evaluate.predict_all(run.predict, inputs,
                                       evaluate.batch_size(run.config, length))
    right = (predictions == run.task.targets(inputs)).all(axis=1)
    wrong = sorted(set(ns[~right].tolist()))
    listed = ', '.join(map(str, wrong[:WRONG_SHOWN])) + (', …' if len(wrong) > WRONG_SHOWN
                                                         else '')
    print(f'| {length} | {right.sum()}/{len(right)} | {reach(ns, right)} | {listed or "none"} |',
          flush=True)


if __name__ == '__main__':
  cli.run(PROGRAM, main)
