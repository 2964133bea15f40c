"""bfloat16 convolutions are announced as slow where the CPU would emulate them."""
from neuralgpu.models import precision


def test_bfloat16_without_native_support_is_warned_in_one_line(monkeypatch):
  monkeypatch.setattr(precision, 'cpu_has_native_bfloat16', lambda: False)
  warning = precision.emulation_warning('bfloat16', has_gpu=False)
  assert warning.startswith('warning: --compute_dtype=bfloat16') and '\n' not in warning
  assert precision.emulation_warning('float32', has_gpu=False) is None
  assert precision.emulation_warning('bfloat16', has_gpu=True) is None


def test_native_bfloat16_needs_no_warning(monkeypatch):
  monkeypatch.setattr(precision, 'cpu_has_native_bfloat16', lambda: True)
  assert precision.emulation_warning('bfloat16', has_gpu=False) is None
