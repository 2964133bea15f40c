"""Every length a run works at, from its settings: the one place that names them.

- the training length: --max_length itself (Config.validate refuses one the task cannot
  take, before any work);
- `scaled(config, k)`: the longest length the task takes with at most k times as many
  symbols after the first (41 -> 81 for k=2, 41 -> 401 for k=10: 20-bit operands ->
  200-bit ones); `far` is k=10, where "solved" is judged and what --mode=eval reports
  by default;
- `beyond`: what every validation judges past the training length, the first length the
  task takes from twice max_length on (41 -> 83, 81 -> 163): longer than any input with
  twice the training operands;
- `bins`, `to_report`, `to_track`: the lists of --bins, --eval_lengths and
  --track_lengths, each checked.
"""
import tasks


def check(config, flag: str, length: int) -> None:
  """ValueError if the task cannot take `length`, given as --flag."""
  task = tasks.get(config.task)
  if not task.is_valid_length(length):
    raise ValueError(f'--{flag}: {config.task} cannot take length {length}; valid '
                     f'lengths are {task.describe_lengths()}')


def scaled(config, times: int) -> int:
  return tasks.get(config.task).scaled_length(config.max_length, times)


def far(config) -> int:
  return scaled(config, 10)


def beyond(config) -> int:
  return tasks.get(config.task).lengths(2 * config.max_length, 3 * config.max_length)[0]


def bins(config) -> list[int]:
  """--bins as a list (empty unless --batching=bins: then each batch has one length),
  checked: ascending, ending at max_length, each bin holding a length the task can take
  (above the bin before it, from min_length)."""
  if config.batching != 'bins':
    return []
  try:
    padded = [int(part) for part in config.bins.split(',')]
  except ValueError:
    padded = []
  if not padded or padded != sorted(set(padded)) or padded[-1] != config.max_length:
    raise ValueError(f'--bins={config.bins} is not valid; give ascending comma-separated '
                     f'lengths ending at --max_length={config.max_length}, e.g. '
                     f'8,16,{config.max_length}')
  task = tasks.get(config.task)
  for low, high in zip([config.min_length - 1] + padded, padded):
    if not task.lengths(max(low + 1, config.min_length), high):
      raise ValueError(f'--bins={config.bins}: bin {high} holds no length {config.task} '
                       f'can take from --min_length={config.min_length} above {low} '
                       f'({task.describe_lengths()})')
  return padded


def to_report(config) -> list[int]:
  """--eval_lengths as a list; by default the training length and the far one."""
  if not config.eval_lengths:
    return [config.max_length, far(config)]
  return listed(config, 'eval_lengths')


def to_track(config) -> list[int]:
  """--track_lengths as a list (empty: no tracking)."""
  return listed(config, 'track_lengths') if config.track_lengths else []


def listed(config, flag: str) -> list[int]:
  """A comma-separated list of lengths the task takes, or ValueError."""
  text = getattr(config, flag)
  try:
    lengths = [int(part) for part in text.split(',')]
  except ValueError:
    raise ValueError(f'--{flag}={text!r} is not valid; give comma-separated integers '
                     'like 41,401') from None
  for length in lengths:
    check(config, flag, length)
  return lengths
