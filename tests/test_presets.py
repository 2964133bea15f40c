"""Every preset is a valid experiment that documents itself; run.py lists them."""
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from experiments import presets
from neuralgpu.config import Config

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize('name', sorted(presets.PRESETS))
def test_every_preset_builds_a_valid_config_and_gives_its_command(name):
  settings = presets.get(name)
  config = Config(**{**dataclasses.asdict(Config()), **settings}).validate()
  for key, value in settings.items():
    assert getattr(config, key) == value
  doc = presets.PRESETS[name].__doc__
  command = 'python run.py' + ('' if name == 'badd' else f' --experiment={name}')
  assert command in doc, doc
  assert re.search(r'\d s\b|\d seconds|hours', doc), f'{name}: no runtime in {doc}'


def test_the_presets_the_papers_call_for_are_there():
  assert {'badd', 'bmul', 'badd_improved', 'bmul_improved', 'mul_bases', 'badd_lstm',
          'badd_gru', 'bmul_lstm', 'bmul_gru', 'smoke'} <= set(presets.PRESETS)
  assert presets.get('mul_bases')['task'] == 'mul_bases'
  for name in ('badd_improved', 'bmul_improved'):
    assert presets.get(name)['hard_gates'] and presets.get(name)['diagonal_gates']


def test_experiment_list_prints_one_line_per_preset():
  result = subprocess.run([sys.executable, str(ROOT / 'run.py'), '--experiment=list'],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
  assert result.returncode == 0, result.stderr
  lines = result.stdout.strip().splitlines()
  assert [line.split()[0] for line in lines] == list(presets.PRESETS)
  assert all(len(line.split()) > 3 for line in lines)  # a name and what it is
