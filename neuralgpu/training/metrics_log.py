"""A run's metrics: one JSON record a line in WORKDIR/metrics.jsonl, and the same as
TensorBoard scalars."""
import functools
import json
import os
from pathlib import Path

import tensorflow as tf

from neuralgpu import faults


class MetricsLog:

  def __init__(self, workdir: Path):
    self.workdir = Path(workdir)
    self.path = self.workdir / 'metrics.jsonl'

  @functools.cached_property
  def writer(self):
    # Made at the first summary: a run refused at its start leaves no event file.
    return tf.summary.create_file_writer(str(self.workdir))

  def write(self, record: dict) -> None:
    with faults.writing(self.path):
      self.workdir.mkdir(parents=True, exist_ok=True)
      with open(self.path, 'a') as f:
        f.write(json.dumps(record) + '\n')
    with faults.writing('TensorBoard summaries'), self.writer.as_default(step=record['step']):
      for key, value in record.items():
        if key != 'step':
          tf.summary.scalar(key, value)

  def size(self) -> int:
    return self.path.stat().st_size if self.path.exists() else 0

  def cut_to(self, size: int) -> None:
    """Drops what was logged after a checkpoint that recorded the log's size then (-1:
    unknown, in checkpoints from before that was recorded)."""
    if 0 <= size < self.size():
      with faults.writing(self.path):
        os.truncate(self.path, size)
