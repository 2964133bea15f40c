"""A setting: a Config field with its help and valid range, declared where its idea
lives (config.py for training and running, a model's declaration for that model's own),
and the check of a value against its range."""
import dataclasses


def setting(default, help_text, low=None, high=None, low_open=False, high_open=False,
            choices=None):
  """A Config field with its help and valid range, read by the flags and validation."""
  return dataclasses.field(default=default, metadata=dict(
      help=help_text, low=low, high=high, low_open=low_open, high_open=high_open,
      choices=choices))


def in_range(value, meta) -> bool:
  low, high = meta['low'], meta['high']
  if low is not None and (value <= low if meta['low_open'] else value < low):
    return False
  return high is None or (value < high if meta['high_open'] else value <= high)


def describe_range(meta) -> str:
  parts = []
  if meta['low'] is not None:
    parts.append(f'{">" if meta["low_open"] else ">="} {meta["low"]}')
  if meta['high'] is not None:
    parts.append(f'{"<" if meta["high_open"] else "<="} {meta["high"]}')
  return ' and '.join(parts)
