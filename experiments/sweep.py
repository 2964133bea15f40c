"""Seeds and hyperparameters swept, each combination its own run; success rates out.

    python -m experiments.sweep --experiment=badd --seeds=0-4
    python -m experiments.sweep --experiment=badd,badd_dngpu --seeds=0-2   # side by side
    python -m experiments.sweep --experiment=bmul --seeds=0-9 --grid=lr=0.001,0.003 \\
        --grid=maps=24,48 --parallel=2
    python -m experiments.sweep --experiment=badd --seeds=0-9 --backend=ray \\
        --ray_address=auto            # spread over a Ray cluster (pip install -e '.[ray]')

Every combination of experiments, --grid values and seeds is one `python run.py` run in
ROOT/LABEL_seedS (ROOT: workdirs/sweep_EXPERIMENTS), trained and then tested at the
training length and ten times it. Running the same command again skips finished runs and
resumes interrupted ones from their last checkpoint. The summary (ROOT/summary.md and
summary.json) gives per configuration the success rate over seeds, solved meaning every
sequence right at the training length and at least 99 percent at ten times it, of the
random test inputs and of each hard suite (neuralgpu.evaluation.evaluate.solved, the rule the
trainer stops by too); the median training time
to the checkpoint that solved; the best and median sequence accuracy per length.

Ray runs each `run.py` as a task of --threads CPUs; on a cluster every node needs this
checkout and ROOT at the same path (a shared file system).
"""
import dataclasses
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

from absl import flags

from experiments import presets
from neuralgpu import cli, lengths
from neuralgpu.config import RUN_CONTROL, Config, flag_text
from neuralgpu.evaluation import tables
from neuralgpu.evaluation.evaluate import (SOLVED_FAR_ACCURACY, SOLVED_MEANS,
                                           floor_percent, solved_results)
from neuralgpu.runs import eval_cache, lock, memory
from neuralgpu.runs import workdir as workdirs


FLAGS = flags.FLAGS
flags.DEFINE_list('experiment', ['badd'], 'Presets to sweep, comma-separated, each '
                  'with every seed and grid value (python run.py --experiment=list lists '
                  'them).')
flags.DEFINE_string('seeds', '0-4', 'Seeds: ranges and single seeds, e.g. 0-9 or 0-4,7.')
flags.DEFINE_multi_string('grid', [], 'SETTING=V1,V2,...: values of one setting of '
                          'python run.py to try, every combination with the other '
                          '--grid settings; one value overrides the preset. Repeatable.')
flags.DEFINE_enum('backend', 'local', ['local', 'ray'], 'local: processes on this '
                  'machine. ray: tasks on a Ray cluster (--ray_address).')
flags.DEFINE_integer('parallel', 1, 'Runs at once (local backend).', lower_bound=1)
flags.DEFINE_integer('threads', None, 'CPU threads of each run (default: the cores of '
                     'this machine divided by --parallel).', lower_bound=1)
flags.DEFINE_string('ray_address', None, 'Ray cluster to join ("auto": the one started on '
                    'this machine with `ray start`); default: a Ray instance of this '
                    'process.')
flags.DEFINE_string('track_lengths', '', 'Learning curves: every run measures accuracy '
                    'on the test examples at these comma-separated lengths every '
                    '--track_every steps, as python run.py --track_lengths does.')
flags.DEFINE_integer('track_every', 100, 'Steps between those measurements.',
                     lower_bound=1)
flags.DEFINE_string('imports', '', 'Modules (names or .py files) that register tasks or '
                    'presets, imported here and by every run.')
flags.DEFINE_string('root', None, 'Where the runs and the summary go (default: '
                    'workdirs/sweep_EXPERIMENTS).')

PROGRAM = 'experiments.sweep'
RUN_PY = Path(__file__).resolve().parent.parent / 'run.py'
BUDGETS = ('max_steps', 'max_hours')  # the settings of run control a grid may vary
# Given once for every run; not in a run's name, and a change makes no run train again.
COMMON = ('track_lengths', 'track_every', 'imports')


def fail(message: str) -> None:
  cli.fail(PROGRAM, message)


def parse_seeds(text: str) -> list[int]:
  """'0-4,7' -> [0, 1, 2, 3, 4, 7]; ValueError naming what is valid."""
  seeds = []
  for part in text.split(','):
    low, dash, high = part.strip().partition('-')
    try:
      first, last = int(low), int(high if dash else low)
    except ValueError:
      first, last = -1, -1
    if first < 0 or last < first:
      raise ValueError(f'--seeds={text} is not valid; give seeds >= 0 and ranges LOW-HIGH '
                       'with LOW <= HIGH, comma-separated, e.g. 0-9 or 0-4,7')
    seeds += [s for s in range(first, last + 1) if s not in seeds]
  return seeds


def parse_grid(entries: list[str]) -> dict[str, list]:
  """['lr=0.001,0.003', ...] -> {'lr': [0.001, 0.003], ...}, typed as Config's fields."""
  fields = {f.name: f.type for f in dataclasses.fields(Config)}
  grid = {}
  for entry in entries:
    name, equals, values = entry.partition('=')
    name = name.strip().lstrip('-')
    if not equals or not name or not values:
      raise ValueError(f'--grid={entry} is not valid; give SETTING=V1,V2,... e.g. '
                       '--grid=lr=0.001,0.003')
    if name == 'seed':
      raise ValueError('--grid=seed=... : give seeds with --seeds, e.g. --seeds=0-9')
    if name not in fields or name in RUN_CONTROL and name not in BUDGETS:
      settings = sorted(set(fields) - set(RUN_CONTROL) - {'seed'} | set(BUDGETS))
      raise ValueError(f'--grid: {name!r} is not a hyperparameter; valid: '
                       f'{", ".join(settings)}')
    if name in grid:
      raise ValueError(f'--grid names {name} twice; give all its values in one --grid')
    grid[name] = [_typed(name, fields[name], v.strip()) for v in values.split(',')]
  return grid


def _typed(name: str, kind, text: str):
  kind = {'int': int, 'float': float, 'bool': bool, 'str': str}.get(kind, kind)
  if kind is bool:
    if text.lower() not in ('true', 'false', '1', '0'):
      raise ValueError(f'--grid: {name}={text} is not valid; give true or false')
    return text.lower() in ('true', '1')
  try:
    return kind(text)
  except ValueError:
    raise ValueError(f'--grid: {name}={text} is not valid; give a value of type '
                     f'{kind.__name__}') from None


@dataclasses.dataclass
class Run:
  label: str  # the configuration: its preset and grid values, the same for every seed
  experiment: str
  overrides: dict  # the grid's values and the COMMON settings
  seed: int
  config: Config
  workdir: Path

  def command(self) -> list[str]:
    return ([sys.executable, str(RUN_PY), f'--experiment={self.experiment}',
             f'--seed={self.seed}', f'--workdir={self.workdir}'] +
            [f'--{k}={flag_text(v)}'
             for k, v in self.overrides.items()])

  def result(self):
    """The run's evaluation (with the suites) if it holds (eval_cache.saved) and the run
    was trained under this sweep's settings (e.g. to its --max_steps), else None."""
    result = eval_cache.saved(self.workdir, lengths.to_report(self.config),
                              self.config.eval_examples, suites=True,
                              step_factor=self.config.eval_step_factor)
    if result is None:
      return None
    # Settings added to Config since the run was made have their defaults there.
    trained = {**dataclasses.asdict(Config()), **result.get('config', {})}
    same = all(trained[k] == v for k, v in dataclasses.asdict(self.config).items()
               if k not in COMMON)
    return result if same else None


def plan(experiments: list[str], seeds: list[int], grid: dict, root: Path,
         common: dict | None = None) -> list[Run]:
  """Every run of the sweep, each config validated; ValueError before any is written.
  `common`: COMMON settings for every run."""
  if len(set(experiments)) < len(experiments):
    raise ValueError(f'--experiment={",".join(experiments)} names a preset twice; name each '
                     'once')
  runs = []
  for experiment, values in itertools.product(experiments, itertools.product(*grid.values())):
    overrides = dict(zip(grid, values))
    label = '_'.join(([experiment] if len(experiments) > 1 else []) +
                     [f'{k}={v}' for k, v in overrides.items()]) or experiment
    overrides.update(common or {})
    for seed in seeds:
      config = presets.config(experiment, {**overrides, 'seed': seed})
      near, far = lengths_of(config)
      if not {near, far} <= set(lengths.to_report(config)):
        raise ValueError(f'--eval_lengths={config.eval_lengths} must include the training '
                         f'length and ten times it ({near} and {far}): success is judged '
                         'there')
      runs.append(Run(label, experiment, overrides, seed, config,
                      root / f'{label}_seed{seed}'))
  for run in runs:
    workdirs.check(run.workdir, run.config)
  return runs


def running_order(runs: list[Run]) -> list[Run]:
  """Seed by seed, every configuration of a seed before the next seed: a sweep stopped
  part way has compared its configurations on the seeds it finished."""
  seeds = list(dict.fromkeys(run.seed for run in runs))
  return sorted(runs, key=lambda run: seeds.index(run.seed))


def lengths_of(config: Config) -> tuple[int, int]:
  """The two lengths success is judged at: the training length and ten times it."""
  return config.max_length, lengths.far(config)


def run_locally(runs: list[Run], parallel: int, threads: int) -> dict:
  """Runs each as a process, `parallel` at once; {workdir: exit status}. On Ctrl-C or
  SIGTERM the running ones get the same signal, on which run.py saves a checkpoint and
  stops. (Not always SIGINT: a run started in the background of a script ignores it.)"""
  running, stopping = set(), threading.Event()

  def one(run):
    if stopping.is_set():
      return None
    say(f'{run.workdir}: started')
    with open(run.workdir / 'sweep.log', 'a') as log:
      process = subprocess.Popen(run.command(), stdout=log, stderr=subprocess.STDOUT,
                                 env=thread_env(threads))
      running.add(process)
      try:
        return process.wait()
      finally:
        running.discard(process)

  statuses = {}
  with futures.ThreadPoolExecutor(parallel) as pool:
    jobs = {pool.submit(one, run): run for run in runs}
    try:
      for job in futures.as_completed(jobs):
        statuses[jobs[job].workdir] = job.result()
        report_done(jobs[job], job.result())
    except KeyboardInterrupt as stop:
      stopping.set()
      for process in list(running):
        process.send_signal(signal_of(stop))
      raise
  return statuses


def signal_of(stop: KeyboardInterrupt) -> int:
  """The signal that stopped the sweep: SIGTERM (cli's handler records it) or SIGINT."""
  return getattr(stop, 'signum', signal.SIGINT)


def run_on_ray(runs: list[Run], threads: int, address) -> dict:
  """Each run a Ray task of `threads` CPUs, wherever the cluster has room."""
  try:
    import ray  # pylint: disable=import-outside-toplevel
  except ImportError:
    fail("--backend=ray needs Ray, an optional extra: pip install -e '.[ray]'")
  # A Ray instance of this process gets at least one run's CPUs, or no run would start.
  cpus = None if address else max(threads, os.cpu_count() or 1)
  if not address:
    # Ray starts its workers, and so the runs, at niceness 15: beside any other work on the
    # machine they got almost no CPU (a 20-step run took 7 minutes instead of 20 s).
    os.environ.setdefault('RAY_worker_niceness', '0')
  ray.init(address=address, num_cpus=cpus, include_dashboard=False, log_to_driver=False)

  @ray.remote(num_cpus=threads)
  def one(command, log_path, env):
    with open(log_path, 'a') as log:
      return subprocess.call(command, stdout=log, stderr=subprocess.STDOUT, env=env)

  pending = {one.remote(run.command(), str(run.workdir / 'sweep.log'),
                        thread_env(threads)): run for run in runs}
  statuses = {}
  while pending:
    done, _ = ray.wait(list(pending))
    run = pending.pop(done[0])
    statuses[run.workdir] = ray.get(done[0])
    report_done(run, statuses[run.workdir])
  ray.shutdown()
  return statuses


def thread_env(threads: int) -> dict:
  """The environment of a run: TensorFlow's thread pools sized so runs share the cores."""
  return {**os.environ, 'TF_NUM_INTRAOP_THREADS': str(threads),
          'TF_NUM_INTEROP_THREADS': str(threads), 'OMP_NUM_THREADS': str(threads)}


def report_done(run: Run, status: int) -> None:
  outcome = 'finished' if status == 0 else f'FAILED (exit {status})'
  say(f'{run.workdir}: {outcome}; log in {run.workdir / "sweep.log"}')


def say(line: str) -> None:
  """One line in one write: print() writes the text and its newline separately, so two
  worker threads printing at once ran their lines together."""
  sys.stdout.write(line + '\n')
  sys.stdout.flush()


def run_outcome(run: Run, status) -> dict:
  """What the summary needs from a run: solved or not, time to solve, accuracies."""
  result = run.result()
  outcome = {'seed': run.seed, 'workdir': str(run.workdir), 'exit_status': status}
  if result is None:
    return {**outcome, 'finished': False, 'solved': False}
  accuracy = {row['length']: row['sequence_accuracy'] for row in result['lengths']}
  near, far = lengths_of(run.config)
  return {**outcome, 'finished': True, 'solved': solved_results(result['lengths'], near, far),
          'checkpoint_step': result['checkpoint_step'],
          'seconds_to_checkpoint': seconds_at(run.workdir, result['checkpoint_step']),
          'accuracy': {str(n): a for n, a in accuracy.items()}}


def seconds_at(workdir: Path, step: int):
  """The run's training time when it saved the checkpoint of `step` (from metrics.jsonl)."""
  seconds = None
  with open(workdir / 'metrics.jsonl') as lines:
    for line in lines:
      record = json.loads(line)
      if record['step'] == step:
        seconds = record['train_seconds']
  return seconds


def summarize(runs: list[Run], statuses: dict) -> list[dict]:
  """Per configuration: success rate over seeds, median time to solve, accuracies."""
  rows = []
  for label, group in itertools.groupby(runs, key=lambda r: r.label):
    outcomes = [run_outcome(run, statuses.get(run.workdir)) for run in group]
    finished = [o for o in outcomes if o['finished']]
    solved = [o for o in finished if o['solved']]
    times = [o['seconds_to_checkpoint'] for o in solved if o['seconds_to_checkpoint']]
    measured = sorted({int(n) for o in finished for n in o['accuracy']})
    rows.append({
        'configuration': label, 'runs': len(outcomes), 'finished': len(finished),
        'solved': len(solved), 'success_rate': len(solved) / len(outcomes),
        'median_seconds_to_solve': statistics.median(times) if times else None,
        'accuracy': {str(n): {'best': max(o['accuracy'][str(n)] for o in finished),
                              'median': statistics.median(o['accuracy'][str(n)]
                                                          for o in finished)}
                     for n in measured},
        'seeds': outcomes})
  return rows


def table(rows: list[dict]) -> str:
  measured = sorted({int(n) for row in rows for n in row['accuracy']})
  header = (['configuration', 'solved / seeds', 'success rate', 'median time to solve'] +
            [f'length {n}: best / median' for n in measured])
  lines = []
  for row in rows:
    median = row['median_seconds_to_solve']
    unfinished = row['runs'] - row['finished']
    cells = [row['configuration'],
             f'{row["solved"]} / {row["runs"]}' + (f' ({unfinished} unfinished)'
                                                  if unfinished else ''),
             f'{100 * row["success_rate"]:.0f}%',
             '–' if median is None else f'{median:,.0f} s']
    cells += [f'{floor_percent(row["accuracy"][str(n)]["best"])} / '
              f'{floor_percent(row["accuracy"][str(n)]["median"])}'
              if str(n) in row['accuracy'] else '–' for n in measured]
    lines.append(cells)
  return tables.markdown(header, lines, text_columns=1)


def main():
  root = Path(FLAGS.root or f'workdirs/sweep_{"_".join(FLAGS.experiment)}')
  try:
    if root.exists() and not root.is_dir():
      raise ValueError(f'--root={root} is a file; give a directory')
    common = {name: FLAGS[name].value for name in COMMON if FLAGS[name].present}
    if 'track_every' in common and 'track_lengths' not in common:
      raise ValueError('--track_every needs --track_lengths, e.g. --track_lengths=41,401')
    runs = plan(FLAGS.experiment, parse_seeds(FLAGS.seeds), parse_grid(FLAGS.grid), root,
                common)
    todo = running_order([run for run in runs if run.result() is None])
    for run in todo:
      memory.training_fits(run.config, min(FLAGS.parallel, len(todo)))
    lock.hold(root, '--root')  # one sweep per root; each run also locks its workdir
    for run in todo:
      workdirs.prepare(run.workdir, run.config)
  except ValueError as error:
    fail(str(error))
  threads = FLAGS.threads or max(1, (os.cpu_count() or 1) // FLAGS.parallel)
  print(f'{len(runs)} runs in {root}: {len(runs) - len(todo)} finished before, '
        f'{len(todo)} to run, {threads} threads each', flush=True)
  start = time.time()
  try:
    if FLAGS.backend == 'ray':
      statuses = run_on_ray(todo, threads, FLAGS.ray_address)
    else:
      statuses = run_locally(todo, FLAGS.parallel, threads)
  except KeyboardInterrupt as stop:
    print(f'{PROGRAM}: interrupted; the runs saved their checkpoints: run the same command '
          'to go on', file=sys.stderr)
    sys.exit(128 + signal_of(stop))
  rows = summarize(runs, statuses)
  wall = time.time() - start
  near, far = lengths_of(runs[0].config)
  text = (f'`{",".join(FLAGS.experiment)}`, seeds {FLAGS.seeds}: solved = {SOLVED_MEANS} '
          f'(best checkpoint, {runs[0].config.eval_examples} held-out random examples per '
          f'length). This invocation: {len(todo)} runs in {wall:,.0f} s of wall '
          f'time.\n\n{table(rows)}\n')
  finished = [result for result in map(Run.result, runs) if result]
  if finished:
    text += ('\nEach seed, its best checkpoint on the test examples and the hard suites:'
             f'\n\n{tables.results(finished)}\n')
  (root / 'summary.md').write_text(text)
  (root / 'summary.json').write_text(json.dumps(
      {'experiment': ','.join(FLAGS.experiment), 'seeds': FLAGS.seeds, 'grid': FLAGS.grid,
       'solved_means': {'all_right_at': near, f'at_least_{SOLVED_FAR_ACCURACY}_at': far},
       'wall_seconds': round(wall, 1), 'runs_this_invocation': len(todo),
       'configurations': rows}, indent=2) + '\n')
  print(f'\n{text}\nwritten to {root / "summary.md"}')
  if any(status != 0 for status in statuses.values()):
    sys.exit(1)


def named_flags() -> dict:
  """What each flag naming presets, modules or a directory takes: given empty, it is
  refused (cli.refuse_empty)."""
  return {'experiment': f'comma-separated presets: {", ".join(sorted(presets.PRESETS))}',
          'root': 'a directory, or leave the flag out: workdirs/sweep_EXPERIMENTS',
          'imports': 'comma-separated Python modules or .py files, or leave the flag out',
          'ray_address': 'a Ray cluster\'s address (auto: the one started here), or leave '
                         'the flag out'}


if __name__ == '__main__':
  cli.run(PROGRAM, main, named=named_flags)
