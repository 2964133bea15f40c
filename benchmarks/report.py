"""The benchmark's markdown summary, with each target and whether it is met."""
from pathlib import Path

from neuralgpu.evaluation import tables


PEAK_SHARE_TARGET = 0.7  # of the matrix-product peak, at the reference configuration
SOLVE_SECONDS_TARGET = 15 * 60
SOLVED_SEEDS_TARGET = 2
EVAL_MEMORY_TARGET_MIB = 2048
EVAL_MEMORY_LENGTH = 4001
EVAL_FLOPS_TARGET = 1.5  # issue 44: the DNGPU's evaluation at 4,001


def cpu_name() -> str:
  for line in Path('/proc/cpuinfo').read_text().splitlines():
    if line.startswith('model name'):
      return line.split(':', 1)[1].strip()
  return 'unknown'


def markdown(results: dict) -> str:
  machine = results['machine']
  lines = [f'# Benchmarks, {results["date"]}', '',
           f'`{results["command"]}` on {machine["cpu"]}, {machine["cores"]} cores, '
           f'TensorFlow {machine["tensorflow"]}.', '']
  peak = results.get('peak_gflops')
  if peak:
    lines += [f'float32 matrix-product peak: {peak:.1f} GFLOP/s.', '']

  def section(title: str, header: list[str], rows: list[list], text_columns: int = 0):
    lines.extend([f'## {title}', '', tables.markdown(
        header, [[str(cell) for cell in cells] for cells in rows], text_columns), ''])

  if 'train' in results:
    section('Neural GPU training step', [
        'configuration', 'length', 'batch', 'maps', 's/step', 'examples/s', 'GFLOP/s',
        'of the float32 peak'], [
            [r['config'], r['length'], r['batch'], r['maps'], f'{r["seconds_per_step"]:.4f}',
             f'{r["examples_per_second"]:.1f}', f'{r["gflops"]:.1f}',
             f'{100 * r["gflops"] / peak:.1f}%' if peak else ''] for r in results['train']],
        text_columns=1)
  if 'dngpu' in results:
    rows = results['dngpu']
    first = rows[0]
    lines += ['## DNGPU training step', '',
              f'{first["preset"]} (bins {first["bins"]}, {first["examples"]} examples, '
              f'{first["maps"]} maps), each in a process of its own:', '']
    section_rows = [[r['setting'], f'{r["seconds_per_step"]:.4f}',
                     f'{first["seconds_per_step"] / r["seconds_per_step"]:.2f}',
                     f'{r["gflops"]:.1f}', f'{100 * r["gflops"] / peak:.1f}%' if peak else '']
                    for r in rows]
    lines.extend([tables.markdown(['setting', 's/step', 'speed-up on the first',
                                   'GFLOP/s', 'of the float32 peak'],
                                  section_rows, 1), ''])
  if 'eval' in results:
    section('Evaluation (forward only, a fresh process each)', [
        'configuration', 'length', 'batch', 's/example', 'GFLOP/s', 'of the float32 peak',
        'memory before', 'peak memory'], [
            [r['config'], r['length'], r['batch'], f'{r["seconds_per_example"]:.3f}',
             f'{r["gflops"]:.1f}', f'{100 * r["gflops"] / peak:.1f}%' if peak else '',
             f'{r["memory_before_mib"]:.0f} MiB', f'{r["peak_memory_mib"]:.0f} MiB']
            for r in results['eval']], text_columns=1)
  if 'baselines' in results:
    section('Baseline training step', ['model', 'length', 'batch', 's/step', 'examples/s'], [
        [r['model'], r['length'], r['batch'], f'{r["seconds_per_step"]:.4f}',
         f'{r["examples_per_second"]:.1f}'] for r in results['baselines']], text_columns=1)
  if 'solve' in results:
    section('Time to solve (training wall time, validation included)', [
        'experiment', 'seed', 'every validation sequence right at max_length',
        'solved (right at 10× too)', 'steps run'], [
            [r['experiment'], r['seed'], _reached(r['max_length']), _reached(r['far']),
             f'{r["steps"]:,}'] for r in results['solve']], text_columns=1)
  judged = targets(results)
  lines += ['## Targets', '', tables.markdown(
      ['target', 'measured', 'met'],
      [[target, measured, 'yes' if met else 'no'] for target, measured, met in judged],
      text_columns=3) if judged else
      'None: no target is set on what these sections measure (train, eval and solve have).']
  return '\n'.join(lines) + '\n'


def _reached(hit) -> str:
  return 'not reached' if hit is None else f'{hit["seconds"]:,.0f} s (step {hit["step"]:,})'


def targets(results: dict) -> list[tuple[str, str, bool]]:
  """(target, what was measured, met) for each target the results can judge."""
  # No target against the reference code's time per step: that is compared side by
  # side in one run with the reference code, which this project does not ship.
  rows = []
  reference = {r['length']: r for r in results.get('train', []) if r['config'] == 'reference'}
  peak = results.get('peak_gflops')
  if peak and 41 in reference:
    share = reference[41]['gflops'] / peak
    rows.append((f'reference configuration, length 41: at least '
                 f'{PEAK_SHARE_TARGET:.0%} of the float32 peak', f'{share:.1%}',
                 share >= PEAK_SHARE_TARGET))
  solves = [r for r in results.get('solve', []) if r['experiment'] == 'badd']
  if solves:
    fast = [r for r in solves if r['far'] and r['far']['seconds'] < SOLVE_SECONDS_TARGET]
    rows.append((f'badd solved in under {SOLVE_SECONDS_TARGET // 60} minutes for '
                 f'{SOLVED_SEEDS_TARGET} of 3 seeds', f'{len(fast)} of {len(solves)}',
                 len(fast) >= SOLVED_SEEDS_TARGET))
  for r in results.get('eval', []):
    if r['length'] != EVAL_MEMORY_LENGTH:
      continue
    if r.get('config', 'default') == 'default':
      rows.append((f'evaluation at length {EVAL_MEMORY_LENGTH}: peak memory under '
                   f'{EVAL_MEMORY_TARGET_MIB} MiB', f'{r["peak_memory_mib"]:.0f} MiB',
                   r['peak_memory_mib'] < EVAL_MEMORY_TARGET_MIB))
    elif peak:
      over = peak / r['gflops']  # seconds taken over those the FLOP count takes at the peak
      rows.append((f'{r["config"]} evaluation at length {EVAL_MEMORY_LENGTH}: within '
                   f'{EVAL_FLOPS_TARGET}x the time of its FLOP count at the peak',
                   f'{over:.2f}x ({r["seconds_per_example"]:.2f} s an example)',
                   over <= EVAL_FLOPS_TARGET))
  return rows
