"""Memory a training run or an evaluation will need, estimated from its settings before
anything is allocated, against what this machine has free: a request that cannot fit is
refused in one line instead of failing deep inside numpy or TensorFlow.

The estimates err low (see neuralgpu.model_registry): they refuse what surely cannot
fit, not everything that might not.
"""
from pathlib import Path

from neuralgpu import lengths, model_registry
from neuralgpu.evaluation import evaluate


FLOAT_BYTES = 4
# Weights, their gradients and two optimizer slots (Adam's moments, AdaMax's too).
COPIES_OF_WEIGHTS = 4
# What TensorFlow and Python hold before a model exists (measured: about 530 MiB).
BASELINE_BYTES = 512 * 2**20


def available_bytes() -> int:
  """Memory this process may still take: MemAvailable, within a cgroup's limit."""
  free = _meminfo('MemAvailable')
  for limit, used in (('memory.max', 'memory.current'),  # cgroup v2, then v1
                      ('memory/memory.limit_in_bytes', 'memory/memory.usage_in_bytes')):
    try:
      cap = int(Path('/sys/fs/cgroup', limit).read_text())
      free = min(free, cap - int(Path('/sys/fs/cgroup', used).read_text()))
      break
    except (OSError, ValueError):  # no such controller, or "max"
      continue
  return free


def _meminfo(field: str) -> int:
  for line in Path('/proc/meminfo').read_text().splitlines():
    name, value = line.split(':', 1)
    if name == field:
      return int(value.split()[0]) * 1024
  raise OSError(f'/proc/meminfo has no {field}')


def weight_bytes(config, vocab_size: int) -> int:
  return model_registry.get(config.model).parameters(config, vocab_size) * FLOAT_BYTES


def training_bytes(config, vocab_size: int) -> int:
  """A training step at its longest: the weights with gradients and optimizer slots,
  and what the backward pass keeps for every example (with --batching=bins, of every
  bin at once)."""
  kind = model_registry.get(config.model)
  longest = lengths.bins(config) or [config.max_length]
  stored = sum(kind.training_floats(config, n) for n in longest) * config.batch_size
  return (BASELINE_BYTES + COPIES_OF_WEIGHTS * weight_bytes(config, vocab_size)
          + stored * FLOAT_BYTES)


def evaluation_bytes(config, vocab_size: int, length: int) -> int:
  """One evaluation batch at `length` (forward only)."""
  per_example = length * model_registry.get(config.model).activation_floats(config)
  return (BASELINE_BYTES + weight_bytes(config, vocab_size)
          + evaluate.batch_size(config, length) * per_example * FLOAT_BYTES)


def training_fits(config, runs_at_once: int = 1) -> None:
  """ValueError in one line if training (runs_at_once such runs side by side), or
  testing at --eval_lengths, cannot fit in this machine's free memory."""
  vocab_size = len(config.get_task().vocab)
  at_once = f', {runs_at_once} runs at once' if runs_at_once > 1 else ''
  check(f'training at --max_length={config.max_length}{at_once}',
        runs_at_once * training_bytes(config, vocab_size),
        'the model\'s width (--maps, --units), --batch_size or --max_length'
        + (' or --parallel' if runs_at_once > 1 else ''))
  evaluation_fits(config, lengths.to_report(config), runs_at_once)


def evaluation_fits(config, lengths, runs_at_once: int = 1) -> None:
  vocab_size = len(config.get_task().vocab)
  for length in lengths:
    check(f'evaluation at length {length}',
          runs_at_once * evaluation_bytes(config, vocab_size, length),
          '--eval_lengths or the model\'s width (--maps, --units)')


def check(what: str, needed: int, lower: str) -> None:
  """ValueError in one line if `needed` bytes exceed what this machine has free."""
  free = available_bytes()
  if needed > free:
    raise ValueError(f'{what} needs about {gib(needed)} of memory, more than the '
                     f'{gib(free)} this machine has free; lower {lower}')


def gib(size: int) -> str:
  return f'{size / 2**30:,.1f} GiB'
