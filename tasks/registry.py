"""The task registry: a plain dict, filled explicitly (no import side effects)."""
from typing import Callable

from tasks.arithmetic import ArithmeticTask
from tasks.base import Task
from tasks.mixed_bases import MixedBases
from tasks.sequences import Copy, Duplicate, Reverse, Sort

_TASKS: dict[str, Task] = {}
_LISTENERS: list[Callable[[Task], None]] = []


def register(task: Task) -> Task:
  """Adds a task under task.name; it then shows up in run.py, evaluation and TFDS."""
  if not isinstance(task, Task):
    raise ValueError(f'register takes a tasks.Task instance, got {type(task).__name__}')
  if task.name in _TASKS:
    raise ValueError(f'a task named {task.name!r} is already registered; pick another '
                     f'name (taken: {", ".join(names())})')
  for listener in _LISTENERS:  # first, so a listener's refusal leaves no half-registered task
    listener(task)
  _TASKS[task.name] = task
  return task


def get(name: str) -> Task:
  try:
    return _TASKS[name]
  except (KeyError, TypeError):
    raise ValueError(f'unknown task {name!r}; valid tasks: {", ".join(names())}') from None


def names() -> list[str]:
  return sorted(_TASKS)


def on_register(listener: Callable[[Task], None]) -> None:
  """Calls listener(task) for every task registered so far and from now on."""
  for task in _TASKS.values():
    listener(task)
  _LISTENERS.append(listener)


# The built-in tasks: adding one is one line here.
for _task in [
    ArithmeticTask('badd', base=2, op='+'),
    ArithmeticTask('qadd', base=4, op='+'),
    ArithmeticTask('add', base=10, op='+'),
    ArithmeticTask('bmul', base=2, op='*'),
    ArithmeticTask('qmul', base=4, op='*'),
    ArithmeticTask('mul', base=10, op='*'),
    MixedBases('mul_bases', bases=(2, 4, 10), op='*', operators='bq*'),
    Copy('copy'),
    Reverse('reverse'),
    Duplicate('duplicate'),
    Sort('sort'),
]:
  register(_task)
