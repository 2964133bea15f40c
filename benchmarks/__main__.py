"""Speed and memory on this machine, against the project's targets:

    python -m benchmarks                      # everything: about 70 minutes on 2 cores
    python -m benchmarks --sections=peak,train,dngpu,eval,baselines   # minutes, no solving

writes DIR/benchmark.json and DIR/benchmark.md (--out, default workdirs/benchmarks):
- peak: the float32 matrix-product GFLOP/s of this machine;
- train: seconds per training step, examples/s, GFLOP/s (convolutions counted
  analytically) and their share of the peak, for the Neural GPU at the reference
  configuration (that of the reference TF1 code), the same with bfloat16 convolutions,
  and the default configuration;
- dngpu: the same for a step of the bmul_dngpu preset (every bin, 288 examples), each
  in a process of its own: float32 with TensorFlow's default threads (every core for
  each operation, what every run used before --op_threads), float32 and bfloat16 as runs
  now train (one thread per operation, the bins side by side);
- eval: forward-only seconds per example, GFLOP/s and peak memory of a fresh process,
  for the default configuration and bmul_dngpu (batches side by side, as it evaluates);
- baselines: the LSTM and GRU training steps;
- solve: wall time until `badd` is right on every validation sequence at length 41, and
  until it is solved (right at 401 too), for each seed.
"""
import datetime
import json
import os
import platform
import sys
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '1')
# pylint: disable=wrong-import-position
from absl import flags

from benchmarks import flops, report, setups
from neuralgpu import cli, lengths
# pylint: enable=wrong-import-position

SECTIONS = ('peak', 'train', 'dngpu', 'eval', 'baselines', 'solve')
flags.DEFINE_list('sections', list(SECTIONS), f'Which measurements: {", ".join(SECTIONS)}.')
flags.DEFINE_string('out', 'workdirs/benchmarks', 'Where benchmark.json and .md go.')
flags.DEFINE_list('lengths', ['7', '21', '41', '81'], 'Training-step lengths.')
flags.DEFINE_list('eval_lengths', ['401', '2001', '4001'], 'Evaluation lengths.')
flags.DEFINE_integer('eval_examples', 2, 'Examples timed per evaluation length.')
flags.DEFINE_integer('repeats', 5, 'Timed training steps per measurement (after 2 '
                     'warm-up steps); the median is reported.')
flags.DEFINE_list('solve_seeds', ['0', '1', '2'], 'Seeds of the time-to-solve runs.')
flags.DEFINE_float('solve_minutes', 20, 'Give up a time-to-solve run after this long.')
flags.DEFINE_bool('tiny', False, 'Every measurement at toy sizes, in about a minute: '
                  'checks the harness, not the machine.')
FLAGS = flags.FLAGS

def fail(message: str) -> None:
  cli.fail('benchmarks', message)


def ints(name: str) -> list[int]:
  return cli.int_list('benchmarks', name, FLAGS[name].value)


def main():
  unknown = sorted(set(FLAGS.sections) - set(SECTIONS))
  if unknown:
    fail(f'--sections: unknown {", ".join(unknown)}; valid: {", ".join(SECTIONS)}')
  step_lengths, eval_lengths, seeds = ints('lengths'), ints('eval_lengths'), ints('solve_seeds')
  for name in ('eval_examples', 'repeats'):
    if FLAGS[name].value < 1:
      fail(f'--{name}={FLAGS[name].value} is not valid; give an integer >= 1')
  if FLAGS.solve_minutes <= 0:
    fail(f'--solve_minutes={FLAGS.solve_minutes} is not valid; give a number > 0')
  out = Path(FLAGS.out)
  if out.exists() and not out.is_dir():
    fail(f'--out={out} is a file; give a directory')
  tiny = FLAGS.tiny
  for length in step_lengths + eval_lengths:
    if length % 2 == 0 or length < 3:
      fail(f'length {length} is not one binary addition can take; valid: 3, 5, 7, ...')
  from benchmarks import measure  # pylint: disable=import-outside-toplevel  (imports TensorFlow)
  import tensorflow as tf  # pylint: disable=import-outside-toplevel

  out.mkdir(parents=True, exist_ok=True)
  command = ' '.join(['python -m benchmarks'] + sys.argv[1:])
  results = {'date': datetime.date.today().isoformat(), 'command': command,
             'machine': {'cpu': report.cpu_name(), 'cores': os.cpu_count(),
                         'python': platform.python_version(),
                         'tensorflow': tf.__version__}}
  sections = FLAGS.sections
  if 'peak' in sections:
    size = 256 if tiny else 2048
    results['peak_gflops'] = measure.matmul_peak(size, 3 if tiny else 10)
    save(out, results)
    print(f'peak: {results["peak_gflops"]:.1f} GFLOP/s', flush=True)
  if 'train' in sections:
    results['train'] = []
    for name, config in setups.configs(tiny).items():
      for length in step_lengths:
        seconds = measure.train_step_seconds(config, length, FLAGS.repeats)
        row = {'config': name, 'length': length, 'batch': config.batch_size,
               'maps': config.maps, 'seconds_per_step': seconds,
               'examples_per_second': config.batch_size / seconds,
               'gflops': flops.training_step(config, config.batch_size, length) / seconds / 1e9}
        results['train'].append(row)
        save(out, results)
        print(f'train {name} length {length}: {seconds:.4f} s/step, '
              f'{row["gflops"]:.1f} GFLOP/s', flush=True)
  if 'dngpu' in sections:
    results['dngpu'] = []
    for name, config in setups.dngpu_configs(tiny).items():
      seconds = measure.dngpu_step(config, FLAGS.repeats)
      results['dngpu'].append({
          'setting': name, 'preset': 'bmul_dngpu', 'bins': config.bins,
          'examples': config.batch_size * len(lengths.bins(config)), 'maps': config.maps,
          'seconds_per_step': seconds,
          'gflops': flops.dngpu_bins_training_step(config) / seconds / 1e9})
      save(out, results)
      print(f'dngpu {name}: {seconds:.4f} s/step, {results["dngpu"][-1]["gflops"]:.1f} '
            f'GFLOP/s', flush=True)
  if 'eval' in sections:
    results['eval'] = []
    for name, config in setups.eval_configs(tiny).items():
      for length in eval_lengths:
        row = {'config': name, **measure.evaluation(config, length, FLAGS.eval_examples)}
        row['gflops'] = flops.forward_of(config, 1, length) / row['seconds_per_example'] / 1e9
        results['eval'].append(row)
        save(out, results)
        print(f'eval {name} length {length}: {row["seconds_per_example"]:.2f} s/example, '
              f'{row["gflops"]:.1f} GFLOP/s, peak {row["peak_memory_mib"]:.0f} MiB',
              flush=True)
  if 'baselines' in sections:
    results['baselines'] = []
    for name, config in setups.baseline_configs(tiny).items():
      for length in step_lengths:
        seconds = measure.train_step_seconds(config, length, FLAGS.repeats)
        results['baselines'].append({'model': name, 'length': length,
                                     'batch': config.batch_size,
                                     'seconds_per_step': seconds,
                                     'examples_per_second': config.batch_size / seconds})
        save(out, results)
        print(f'baseline {name} length {length}: {seconds:.4f} s/step', flush=True)
  if 'solve' in sections:
    results['solve'] = []
    experiment = 'smoke' if tiny else 'badd'
    for seed in seeds:
      row = measure.time_to_solve(experiment, seed, out / f'solve_seed{seed}',
                                  FLAGS.solve_minutes * 60)
      results['solve'].append({'experiment': experiment, **row})
      save(out, results)
      print(f'solve seed {seed}: {row}', flush=True)
  save(out, results)
  print(f'\n{report.markdown(results)}\nwritten to {out}')


def save(out: Path, results: dict) -> None:
  """Rewritten after every measurement, so that a run cut short keeps what it measured."""
  (out / 'benchmark.json').write_text(json.dumps(results, indent=2) + '\n')
  (out / 'benchmark.md').write_text(report.markdown(results))


if __name__ == '__main__':
  cli.run('benchmarks', main)
