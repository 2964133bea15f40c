"""Shared by the tests: the `slow` marker.

The inner loop, under 2 minutes on 2 cores:  python -m pytest -q -m "not slow" tests
Everything (what CI runs):                   python -m pytest -q -n auto --dist loadfile tests
A module of subprocesses or trainings is marked slow as a whole; test_bad_input.py marks
its command-line cases and the cases that need a trained run. The trainer's rules, driven
without training, are in test_trainer_rules.py and so in the inner loop. What many modules
share (the checkout's root, a tiny config, reading metrics.jsonl) is in support.py."""


def pytest_configure(config):
  config.addinivalue_line('markers', 'slow: trains, or starts processes; left out of the '
                          'inner loop (-m "not slow")')
