"""How evaluation, the comparison and the sweep show results: markdown tables, and the
wrong answers evaluation prints."""
from neuralgpu.evaluation.evaluate import floor_percent


def markdown(header: list[str], rows: list[list[str]], text_columns: int = 0) -> str:
  """A markdown table: the first `text_columns` columns left-aligned, the rest (numbers)
  right-aligned."""
  return '\n'.join([head(header, text_columns)] + [row(cells) for cells in rows])


def head(header: list[str], text_columns: int = 0) -> str:
  """A table's header and rule, for one printed row by row."""
  rule = ['---'] * text_columns + ['---:'] * (len(header) - text_columns)
  return row(header) + '\n' + row(rule)


def row(cells: list) -> str:
  return '| ' + ' | '.join(map(str, cells)) + ' |'


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


SHOWN_IN_FULL = 100  # characters; a longer input or answer is printed by its two ends


def abridged(text: str) -> str:
  """text, or for a long one its first and last 40 characters around what is left out."""
  if len(text) <= SHOWN_IN_FULL:
    return text
  return f'{text[:40]}…({len(text) - 80} more)…{text[-40:]}'


def wrong_answer(failure: dict) -> str:
  """A decoded wrong answer (evaluate.failures): its input, then the model's and the true
  answer on indented lines; a long one abridged, with a line saying where the answers
  differ (a wrong digit in a 2,001-digit sum is not found by eye)."""
  model, true = failure['model'], failure['true']
  text = (f'{abridged(failure["input"])}\n    model: {abridged(model)}\n'
          f'    true:  {abridged(true)}')
  if max(len(failure['input']), len(model), len(true)) <= SHOWN_IN_FULL:
    return text
  wrong = [i + 1 for i, (m, t) in enumerate(zip(model, true)) if m != t]
  where = (f'{len(wrong)} of {len(true)} characters differ, at positions {wrong[0]} to '
           f'{wrong[-1]} from the left' if wrong else 'the characters both have agree')
  if len(model) != len(true):
    where += f"; the model's answer has {len(model)} characters, the true one {len(true)}"
  return f'{text}\n    {where} (in full in results.json)'
