"""The results of the published models (stored runs in results/), made from them so that
no table can drift from them: a short one for the README, the whole one for docs/results.md.

    python -m experiments.results_table            # prints both
    python -m experiments.results_table --write    # puts each between its marks

One row per model and tested length, from the evaluations stored with the model: the
random test examples and the hard suites (sequences right); an evaluation of the run's
latest checkpoint (--checkpoint=latest) has rows of its own, marked 'final weights',
unless that checkpoint is also the best one, and so has one with more recurrent steps
than the input is long (--eval_step_factor), marked with its factor. The README shows
the lengths tested with the suites and the long ones; its row sums the suites and names
those with a wrong input; docs/results.md's has a column per suite, the
training's steps and time, and under the table the commands that evaluate each model
again, with how long each took.
"""
import json
from collections import Counter
from pathlib import Path

from absl import flags

from experiments import probe_results
from neuralgpu import cli
from neuralgpu.evaluation import tables
from neuralgpu.runs import eval_cache, stored


flags.DEFINE_string('results', 'results', 'The folder of published models.')
flags.DEFINE_bool('write', False, 'Rewrite the blocks between the marks in --readme '
                  'and --details.')
flags.DEFINE_string('readme', 'README.md', 'The file of the short table.')
flags.DEFINE_string('details', 'docs/results.md', 'The file of the whole table.')
FLAGS = flags.FLAGS
PROGRAM = 'experiments.results_table'
# The evaluations of a run's latest checkpoint (--checkpoint=latest): its final weights.
FINAL = '_checkpoint=latest'
# The README's short table: every length tested with the hard suites, and the long ones
# (50 times a 41-symbol training length and more); docs/results.md has every length.
LONG = 2001
BEGIN = ('<!-- results: made from results/ by python -m experiments.results_table --write; '
         'edit the models, not this -->')
GLANCE_BEGIN = ('<!-- probes: made from results/ by python -m experiments.results_table '
                '--write; edit the models, not this -->')
END = '<!-- end of results -->'


def published(root: Path) -> list[dict]:
  """Every stored run in root, checked against its manifest, with its evaluations: the
  rows of each tested length (from the evaluation with the suites and the most examples)
  and the commands that made them."""
  models = []
  for path in sorted(p.parent for p in Path(root).glob(f'*/{stored.MANIFEST}')):
    listed = stored.manifest(path)
    config = json.loads((path / 'config.json').read_text())
    rows, commands = {}, []
    results = {file: json.loads(file.read_text())
               for file in sorted(path.glob('eval*/results.json'))}
    probes = {file: results.pop(file) for file in list(results)
              if probe_results.is_probe(results[file])}
    # Where training ended on its best checkpoint, its final weights are the best ones.
    best_steps = {result['checkpoint_step'] for file, result in results.items()
                  if FINAL not in file.parent.name}
    commands += [(probe_results.command(probe['probe'], path, probe['flags']), probe['seconds'])
                 for probe in probes.values()]
    for result_file, result in results.items():
      commands.append((eval_command(path, result_file.parent.name, result,
                                    config.get('eval_step_factor', 1)),
                       result['seconds']))
      final = FINAL in result_file.parent.name and result['checkpoint_step'] not in best_steps
      factor = step_factor(result)
      for row in result['lengths']:
        key = (final, factor, row['length'])
        held = rows.get(key)
        if held is None or (bool(row['suites']), row['examples']) > (bool(held['suites']),
                                                                     held['examples']):
          rows[key] = {**row, 'final': final, 'step_factor': factor}
    models.append({'path': path, 'manifest': listed, 'config': config,
                   'rows': [rows[key] for key in sorted(rows)], 'commands': commands,
                   'probe_rows': [row for probe in probes.values()
                                  for row in probe_results.labelled_rows(probe)]})
  return models


def eval_command(path: Path, name: str, result: dict, own_factor: float) -> str:
  """The command that writes this evaluation again (and checks it against the stored);
  own_factor: the run's own --eval_step_factor."""
  command = f'python run.py --mode=eval --workdir={path}'
  if name == 'eval':
    return command  # the run's own lengths and examples
  lengths = ','.join(str(row['length']) for row in result['lengths'])
  examples = result['lengths'][0]['examples']
  factor = step_factor(result)
  return (f'{command} --eval_lengths={lengths} --eval_examples={examples}' +
          (' --nosuites' if '_suites=false' in name else '') +
          (' --checkpoint=latest' if FINAL in name else '') +
          (f' --eval_step_factor={factor:g}'
           if eval_cache.names_step_factor(factor, own_factor) else ''))


def length_cell(row: dict) -> str:
  """'4,001'; '4,001, final weights' for an evaluation of the latest checkpoint; '401, 2x
  steps' for one with twice as many recurrent steps as the input is long."""
  return (f'{row["length"]:,}' + (', final weights' if row['final'] else '') +
          steps_mark(row.get('step_factor', 1)))


def steps_mark(factor: float) -> str:
  """', 2x steps' for an evaluation with factor times as many recurrent steps as the
  input is long; '' for 1."""
  return f', {factor:g}x steps' if factor != 1 else ''


def step_factor(result: dict) -> float:
  """--eval_step_factor of an evaluation (1 before the setting existed)."""
  return result.get('config', {}).get('eval_step_factor', 1)


def training(listed: dict) -> tuple:
  """(steps, seconds) of training, the stages' before it included (trained in start/ or
  a stored run it started from): '3,600 + 1,200', '3,600 (final weights) + 1,200' where
  the next stage started from the final weights rather than the best checkpoint."""
  stages, stage, next_took_final = [], listed, False
  while stage:
    if stage['trained']:
      stages.insert(0, (stage['trained'], next_took_final))
    next_took_final = stage.get('started_from', {}).get('checkpoint') == 'latest'
    stage = stage.get('first_stage') or stage.get('started_from')
  steps = ' + '.join(f'{s["steps"]:,}' + (' (final weights)' if took_final else '')
                     for s, took_final in stages)
  return steps, sum(s['train_seconds'] for s, _ in stages)


def suites_right(row: dict) -> str:
  """'133/133', or with the suites that have a wrong input: '126/133 (carry_chain 70/72)'."""
  scores = row['suites'].values()
  right, of = sum(s['sequences_correct'] for s in scores), sum(s['examples'] for s in scores)
  missed = [f'{name} {s["sequences_correct"]}/{s["examples"]}'
            for name, s in sorted(row['suites'].items())
            if s['sequences_correct'] < s['examples']]
  return f'{right}/{of}' + (f' ({", ".join(missed)})' if missed else '') if of else ''


def short_table(models: list[dict]) -> str:
  header = ['preset', 'seed', 'length', 'random', 'symbols', 'hard suites']
  lines = []
  for model in models:
    listed = model['manifest']
    preset = f'`{listed["preset"]}`' if listed['preset'] else 'no preset'
    shown = [row for row in model['rows'] if row['suites'] or row['length'] >= LONG]
    for i, row in enumerate(shown):
      first = [preset, str(model['config']['seed'])] if i == 0 else ['', '']
      lines.append(first + [length_cell(row),
                            f'{row["sequences_correct"]}/{row["examples"]}',
                            tables.floor_percent(row['symbol_accuracy']), suites_right(row)])
  return tables.markdown(header, lines, text_columns=2)


def table(models: list[dict]) -> str:
  suites = sorted({s for m in models for row in m['rows'] for s in row['suites']})
  header = ['preset', 'seed', 'best step', 'steps trained', 'training time', 'length',
            'random', 'symbols', *suites]
  lines = []
  for model in models:
    listed = model['manifest']
    steps, seconds = training(listed)
    preset = f'`{listed["preset"]}`' if listed['preset'] else 'no preset'
    first = [preset, str(model['config']['seed']), f'{listed["best_step"]:,}', steps,
             f'{seconds / 3600:.2f} h']
    for i, row in enumerate(model['rows']):
      cells = (first if i == 0 else [''] * len(first)) + [
          length_cell(row), f'{row["sequences_correct"]}/{row["examples"]}',
          tables.floor_percent(row['symbol_accuracy'])]
      cells += [f'{row["suites"][s]["sequences_correct"]}/{row["suites"][s]["examples"]}'
                if s in row['suites'] else '' for s in suites]
      lines.append(cells)
  return tables.markdown(header, lines, text_columns=2)


def at_a_glance(models: list[dict]) -> str:
  """For each task and length the models were probed at (experiments.carry_reach,
  experiments.small_operands): a row per model, its best checkpoint's random test
  sequences there (and with more recurrent steps), its hard suites there, its random ones
  at the long lengths, and what each probe question got right."""
  parts = []
  for task, length in sorted({(m['config']['task'], row['length']) for m in models
                              for row in m['probe_rows']}):
    probed = [m for m in models if m['config']['task'] == task and
              any(row['length'] == length for row in m['probe_rows'])]
    best = [(m, [row for row in m['rows'] if not row['final']]) for m in probed]
    factors = sorted({row['step_factor'] for _, rows in best for row in rows
                      if row['length'] == length})
    # The long lengths most of these models were tested at (not one model's extra ones),
    # each model as it answers (its own --eval_step_factor).
    tested = Counter(row['length'] for model, rows in best for row in rows
                     if row['length'] >= LONG and row['step_factor'] == own_factor(model))
    longs = sorted(n for n, models_tested in tested.items() if 2 * models_tested > len(best))
    questions = list(dict.fromkeys(row['question'] for m in probed for row in m['probe_rows']
                                   if row['length'] == length))
    header = (['model', 'seed'] +
              [length_cell({'length': length, 'final': False, 'step_factor': f})
               for f in factors] + [f'suites at {length:,}'] +
              [f'{n:,}' for n in longs] + questions)
    lines = []
    for model, rows in best:
      with_suites = [r for r in rows if r['length'] == length and r['suites']]
      answers = {row['question']: probe_cell(row) for row in model['probe_rows']
                 if row['length'] == length}
      lines.append([f'`{model["manifest"]["preset"] or model["path"].name}`',
                    str(model['config']['seed'])] +
                   [random_right(rows, length, f) for f in factors] +
                   [suites_right(with_suites[0]).split(' ')[0] if with_suites else 'not run'] +
                   [random_right(rows, n, own_factor(model), marked=True) for n in longs] +
                   [answers.get(q, 'not run') for q in questions])
    parts.append(f'{task} at {length:,}:\n\n' + tables.markdown(header, lines, text_columns=2))
  return '\n\n'.join(parts)


def random_right(rows: list[dict], length: int, factor: float = 1, marked=False) -> str:
  """'125/128': the random test sequences right at length (with factor times the
  recurrent steps; marked: '16/16, 2x steps' where that is not 1), or 'not run'."""
  held = [r for r in rows if (r['length'], r['step_factor']) == (length, factor)]
  if not held:
    return 'not run'
  return (f'{held[0]["sequences_correct"]}/{held[0]["examples"]}' +
          (steps_mark(factor) if marked else ''))


def own_factor(model: dict) -> float:
  """The --eval_step_factor a model answers with by default (1 before it existed)."""
  return model['config'].get('eval_step_factor', 1)


def probe_cell(row: dict) -> str:
  """'184/189' right of a probe question; for a reach (carry_reach), '105 (112/200)': the
  longest run up to which every one is right, and the runs right."""
  right = f'{row["right"]}/{row["of"]}'
  return f'{row["reach"]} ({right})' if 'reach' in row else right


GLANCE = ('Each model\'s best checkpoint. Random: sequences right of the held-out test '
          'examples (each length\'s evaluation with the most examples), "2x steps": with '
          'twice as many recurrent steps as the input is long; suites: their inputs right; '
          'the long lengths most of these models were tested at, each with the recurrent '
          'steps it answers with (marked where not 1x); then the probes\' '
          'questions, answers right: a op x and x op a (experiments.small_operands) for '
          'every small a, each with a few random long x; (bⁿ − 1) and 1 '
          '(experiments.carry_reach): runs of n digits b − 1 from the lowest digit for every '
          'n that fits, each cell the reach (the longest n up to which every answer is '
          'right) and the runs right. The commands that made them, with their flags, are '
          'in the list under [the whole table](#the-published-models).')


MEANING = ('Random: sequences right of the held-out test examples; symbols: the share of '
           'their symbols right (floored); hard suites: their inputs right; "2x steps" (or '
           '1.5x and so on): tested with twice as many recurrent steps as the input is long')


def block(models: list[dict]) -> str:
  """The README's block: one row per model and length."""
  if not models:
    return f'{BEGIN}\nNo model is published yet.\n{END}'
  return '\n'.join([BEGIN, short_table(models), '', MEANING + ' (each suite in '
                     '[docs/results.md](docs/results.md#the-published-models)).', END])


def details(models: list[dict]) -> str:
  """docs/results.md's block: the whole table, then where each model is and how to
  check it."""
  if not models:
    return f'{BEGIN}\nNo model is published yet.\n{END}'
  parts = [BEGIN, table(models), '',
           MEANING + ', a column each. Each model, and the commands that evaluate it again '
           '(each says whether it reproduces the stored result exactly; the time it took '
           'when stored):', '']
  for model in models:
    listed = model['manifest']
    parts.append(f'- `{model["path"]}`: trained by {", ".join(listed["trained_by_commits"])}')
    parts += [f'  - `{command}` ({seconds:,.0f} s)' for command, seconds in model['commands']]
  return '\n'.join(parts + [END])


def glance_block(models: list[dict]) -> str:
  """docs/results.md's second block: the models probed, at a glance."""
  probed = at_a_glance(models)
  return '\n'.join([GLANCE_BEGIN, probed + '\n\n' + GLANCE if probed else
                     'No published model is probed yet.', END])


def main():
  try:
    models = published(Path(FLAGS.results))
  except stored.DamagedStore as error:
    cli.fail(PROGRAM, str(error))
  blocks = [(Path(FLAGS.readme), BEGIN, block(models)),
            (Path(FLAGS.details), BEGIN, details(models)),
            (Path(FLAGS.details), GLANCE_BEGIN, glance_block(models))]
  if not FLAGS.write:
    print('\n\n'.join(text for _, _, text in blocks))
    return
  for path, begin, _ in blocks:
    old = path.read_text() if path.exists() else ''
    if begin not in old or END not in old.split(begin, 1)[1]:
      cli.fail(PROGRAM, f'{path} has no block for these results; put the marks {begin} and '
               f'{END} where it goes')
  for path, begin, text in blocks:
    head, rest = path.read_text().split(begin, 1)
    path.write_text(head + text + rest.split(END, 1)[1])
    print(f'wrote the {"probes" if begin == GLANCE_BEGIN else "results"} of '
          f'{len(models)} models into {path}')


if __name__ == '__main__':
  cli.run(PROGRAM, main)
