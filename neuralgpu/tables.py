"""The markdown tables of evaluation, the comparison and the sweep."""
from neuralgpu.evaluate import floor_percent


def markdown(header: list[str], rows: list[list[str]], text_columns: int = 0) -> str:
  """A markdown table: the first `text_columns` columns left-aligned, the rest (numbers)
  right-aligned."""
  rule = ['---'] * text_columns + ['---:'] * (len(header) - text_columns)
  return '\n'.join('| ' + ' | '.join(cells) + ' |' for cells in [header, rule, *rows])


def sequences_right(row: dict) -> str:
  """'97.65% (125/128)': the share of sequences right, floored, and the counts."""
  return (f'{floor_percent(row["sequence_accuracy"])} ({row["sequences_correct"]}/'
          f'{row["examples"]})')


def results(runs: list[dict]) -> str:
  """Evaluation results (results.json of each run): one row per run and length,
  sequences right, accuracies, hard suites passed."""
  suites = sorted({s for r in runs for row in r['lengths'] for s in row['suites']})
  several = len(runs) > 1
  header = (['model'] if several else []) + [
      'length', 'examples', 'symbol accuracy', 'sequence accuracy'] + suites
  rows = []
  for result in runs:
    for row in result['lengths']:
      cells = ([result['name']] if several else []) + [
          str(row['length']), str(row['examples']), floor_percent(row['symbol_accuracy']),
          sequences_right(row)]
      cells += [f'{row["suites"][s]["sequences_correct"]}/{row["suites"][s]["examples"]}'
                if s in row['suites'] else '' for s in suites]
      rows.append(cells)
  text = markdown(header, rows)
  return text + '\n\nHard suites: sequences right of those in the suite.' if suites else text
