"""Algorithmic tasks for length-generalization experiments (pure numpy).

    import numpy as np, tasks
    task = tasks.get('badd')
    inputs, targets = task.sample(np.random.default_rng(0), batch_size=32, length=41)
"""
from tasks.arithmetic import ArithmeticTask
from tasks.base import PAD, Task
from tasks.registry import get, names, on_register, register
from tasks.sequences import SequenceTask
from tasks.splits import SPLITS, split_rng
from tasks.two_operand import TwoOperandTask

__all__ = ['ArithmeticTask', 'PAD', 'SPLITS', 'SequenceTask', 'Task', 'TwoOperandTask', 'get',
           'names', 'on_register', 'register', 'split_rng']
