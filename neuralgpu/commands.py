"""What run.py's modes do, once their arguments are checked."""
import time
from pathlib import Path

import numpy as np

import tasks
from neuralgpu import evaluate
from neuralgpu.train import Trainer


def train_and_report(config, workdir: Path) -> None:
  trainer = Trainer(config, workdir)
  start = time.time()
  resumed_at = trainer.restore()
  if resumed_at:
    print(f'resuming {workdir} at step {resumed_at}, curriculum length '
          f'{int(trainer.state.curriculum_length)}', flush=True)
  step = trainer.train()
  print(f'trained to step {step} in {time.time() - start:.0f} s', flush=True)
  trainer.restore(best=True)
  rows = evaluate.length_table(trainer.predict, trainer.task, config.lengths_to_report(),
                               config.eval_examples)
  table = evaluate.format_table(rows)
  (workdir / 'eval').mkdir(exist_ok=True)
  (workdir / 'eval' / 'table.md').write_text(table + '\n')
  print(f'\n{config.task}, best checkpoint (step {int(trainer.state.step)}), held-out '
        f'test examples:\n{table}')


def decode(config, workdir: Path, text: str, question: np.ndarray) -> None:
  """Prints the model's answer to `text` (encoded as `question`) beside the true one."""
  task = tasks.get(config.task)
  trainer = Trainer(config, workdir)
  trainer.restore(best=True)  # saved at the first validation, before any checkpoint
  answer = task.decode(np.asarray(trainer.predict(question[None]))[0])
  truth = task.decode(task.targets(question[None])[0])
  print(f'input:  {text}\nmodel:  {answer}\ntrue:   {truth}  '
        f'({"right" if answer == truth else "wrong"})')
