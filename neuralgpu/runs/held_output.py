"""Printed lines held back: what the API's quiet training uses to keep the trainer's log
(a line per --log_every steps, every validation, every wrong answer of the evaluation)
out of a notebook, without a second, quiet copy of the trainer's printing."""
import collections
import contextlib
import io
import sys


class _Tail(io.TextIOBase):
  """Keeps the last `lines` lines written to it."""

  def __init__(self, lines: int):
    self.lines, self.partial = collections.deque(maxlen=lines), ''

  def writable(self):
    return True

  def write(self, text):
    *whole, self.partial = (self.partial + text).split('\n')
    self.lines.extend(whole)
    return len(text)

  def text(self) -> str:
    return '\n'.join([*self.lines, self.partial]).rstrip('\n')


@contextlib.contextmanager
def held_back(shown_on_error: int = 30):
  """Within, what is printed to stdout is held back and dropped, except that if the body
  raises (a fault, Ctrl-C), its last `shown_on_error` lines are printed first: they say
  what the run was doing when it stopped."""
  tail = _Tail(shown_on_error)
  try:
    with contextlib.redirect_stdout(tail):
      yield
  except BaseException:
    if tail.text():
      print(tail.text(), file=sys.stdout, flush=True)
    raise
