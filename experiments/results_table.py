"""The README's results, made from the published models (stored runs in results/), so
that the table cannot drift from them.

    python -m experiments.results_table            # prints the table
    python -m experiments.results_table --write    # puts it in README.md between its marks

One row per model and tested length: the random test examples and each hard suite
(sequences right), from the evaluations stored with the model; under the table, each
model's directory and the commands that evaluate it again, with how long each took.
"""
import json
from pathlib import Path

from absl import flags

from neuralgpu import cli
from neuralgpu.evaluation import tables
from neuralgpu.runs import stored


flags.DEFINE_string('results', 'results', 'The folder of published models.')
flags.DEFINE_bool('write', False, 'Rewrite the block between the marks in --readme.')
flags.DEFINE_string('readme', 'README.md', 'The file --write rewrites.')
FLAGS = flags.FLAGS
PROGRAM = 'experiments.results_table'
BEGIN = ('<!-- results: made from results/ by python -m experiments.results_table --write; '
         'edit the models, not this -->')
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
    for result_file in sorted(path.glob('eval*/results.json')):
      result = json.loads(result_file.read_text())
      for row in result['lengths']:
        held = rows.get(row['length'])
        if held is None or (bool(row['suites']), row['examples']) > (bool(held['suites']),
                                                                     held['examples']):
          rows[row['length']] = row
      commands.append((eval_command(path, result_file.parent.name, result),
                       result['seconds']))
    models.append({'path': path, 'manifest': listed, 'config': config,
                   'rows': [rows[n] for n in sorted(rows)], 'commands': commands})
  return models


def eval_command(path: Path, name: str, result: dict) -> str:
  """The command that writes this evaluation again (and checks it against the stored)."""
  command = f'python run.py --mode=eval --workdir={path}'
  if name == 'eval':
    return command  # the run's own lengths and examples
  lengths = ','.join(str(row['length']) for row in result['lengths'])
  examples = result['lengths'][0]['examples']
  return (f'{command} --eval_lengths={lengths} --eval_examples={examples}' +
          (' --nosuites' if name.endswith('_suites=false') else ''))


def training(listed: dict) -> tuple:
  """(steps, seconds) of training, a first stage's included: '3,600 + 1,200'."""
  stages = [listed.get('first_stage', {}).get('trained'), listed['trained']]
  stages = [s for s in stages if s]
  steps = ' + '.join(f'{s["steps"]:,}' for s in stages)
  return steps, sum(s['train_seconds'] for s in stages)


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
          f'{row["length"]:,}', f'{row["sequences_correct"]}/{row["examples"]}',
          tables.floor_percent(row['symbol_accuracy'])]
      cells += [f'{row["suites"][s]["sequences_correct"]}/{row["suites"][s]["examples"]}'
                if s in row['suites'] else '' for s in suites]
      lines.append(cells)
  return tables.markdown(header, lines, text_columns=2)


def block(models: list[dict]) -> str:
  """The README's block: the table, then where each model is and how to check it."""
  if not models:
    return f'{BEGIN}\nNo model is published yet.\n{END}'
  parts = [BEGIN, table(models), '',
           'Random: sequences right of the held-out test examples; symbols: the share of '
           'their symbols right (floored); a suite: its inputs right. Each model, and the '
           'commands that evaluate it again (each says whether it reproduces the stored '
           'result exactly; the time it took when stored):', '']
  for model in models:
    listed = model['manifest']
    parts.append(f'- `{model["path"]}`: trained by {", ".join(listed["trained_by_commits"])}')
    parts += [f'  - `{command}` ({seconds:,.0f} s)' for command, seconds in model['commands']]
  return '\n'.join(parts + [END])


def main():
  try:
    models = published(Path(FLAGS.results))
  except stored.DamagedStore as error:
    cli.fail(PROGRAM, str(error))
  text = block(models)
  if not FLAGS.write:
    print(text)
    return
  readme = Path(FLAGS.readme)
  old = readme.read_text()
  if BEGIN not in old or END not in old:
    cli.fail(PROGRAM, f'{readme} has no results block; put the marks {BEGIN} and {END} '
             'where it goes')
  head, rest = old.split(BEGIN, 1)
  readme.write_text(head + text + rest.split(END, 1)[1])
  print(f'wrote the results of {len(models)} models into {readme}')


if __name__ == '__main__':
  cli.run(PROGRAM, main)
