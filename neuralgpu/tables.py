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
