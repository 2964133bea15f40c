"""The API's quiet training: what is printed within held_back is dropped, unless the
body fails, and then its last lines say what it was doing."""
import pytest

from neuralgpu.runs import held_output


def test_printed_lines_are_dropped_when_all_goes_well(capsys):
  with held_output.held_back():
    print('step 10/20')
  assert capsys.readouterr().out == ''


def test_the_last_lines_are_shown_when_the_body_fails(capsys):
  with pytest.raises(KeyboardInterrupt):
    with held_output.held_back(shown_on_error=2):
      for step in (10, 20, 30):
        print(f'step {step}/30')
      raise KeyboardInterrupt
  assert capsys.readouterr().out == 'step 20/30\nstep 30/30\n'
