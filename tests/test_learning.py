"""The models really learn, on held-out examples, with fixed seeds.

The Neural GPU: binary addition at short lengths, exactly, in 1,600 steps (every
validation sequence right first at step 800 for seeds 0 and 2, 1,000 for seed 1; all 512
test examples right for each, 2026-12-01). At these lengths the model fits but does not
yet generalize to longer inputs; that needs training up to length 41 (see the README).

The DNGPU recipe, scaled down, on binary addition up to length 11: 512 of 512 held-out
sequences right in each of three runs in a row (57-61 s each on 2 cores shared with a
sweep); it had them all from step 700, the test trains 1,200 and asks for 99%.

Each LSTM and GRU baseline, in both forms: copy and reverse up to length 5. Over seeds 0,
1 and 2 every one of the 24 runs got at least 98.4% of the 512 held-out sequences right
(19 of them 100%) in 2,000 steps; the test asks for 95%. The seq2seq form learns them in
half the steps: at 1,000 (the rate's half-life 250) each of its 12 runs over those seeds
got 100% (2026-12-01), so it trains 1,000; read_write copy at 1,000 got 81–89%.
"""
import json

import pytest

import tasks
from experiments import presets
from neuralgpu.config import Config
from neuralgpu.evaluation import evaluate
from neuralgpu.training.train import Trainer


pytestmark = pytest.mark.slow

SHORT_BADD = Config(task='badd', maps=24, hard_fraction=0.0, max_length=11, max_steps=1600,
                    eval_every=100, log_every=500, seed=0, deterministic=True)
# The quick preset: the badd_dngpu recipe scaled down to 24 maps (lr 0.01 · 48 / 24),
# bins up to length 11, dropout 0.1 (at 24 maps the preset's 0.5 got 39% of the
# validation sequences right after 2,000 steps; 0.1 got them all from step 700 on).
SHORT_DNGPU = dict(log_every=500, seed=0)  # over the quick preset
SHORT_SEQUENCES = dict(units=64, min_length=1, max_length=5, eval_every=100, log_every=1000,
                       probe_every=2000, seed=0)
STEPS_OF_FORM = {'read_write': dict(max_steps=2000, lr_half_life=500),
                 'seq2seq': dict(max_steps=1000, lr_half_life=250)}


def test_badd_gets_99_percent_of_held_out_sequences_right(tmp_path):
  trainer = Trainer(SHORT_BADD.validate(), tmp_path)
  trainer.train()
  # The margin: every validation sequence at length 11 was right first at step 800
  # (seed 0, 2026-11-30 of 2,400 steps; twice of 1,600 on 2026-12-01); the test allows
  # 1,200. Then 512 test examples: without --deterministic 512 right in 3 runs and 510 in
  # one (under load, 2026-12-06), so the run is deterministic and the test asks for 99%
  # (507); deterministic on an AMD EPYC (2026-12-06) it got 510, twice.
  records = [json.loads(line) for line in (tmp_path / 'metrics.jsonl').open()]
  first_right = min(r['step'] for r in records
                    if r.get('validation/max_sequence_accuracy') == 1.0)
  assert first_right <= 1200
  trainer.saves.restore(best=True)
  # 512 of the 1,024 possible inputs of length 11, from the test split.
  inputs, targets = evaluate.held_out(tasks.get('badd'), 11, 512)
  result = evaluate.accuracy(trainer.validation.predict, inputs, targets)
  assert result['sequence_accuracy'] >= 0.99, result


def test_the_dngpu_recipe_learns_addition_on_held_out_sequences(tmp_path):
  config = presets.config('quick', SHORT_DNGPU)
  trainer = Trainer(config, tmp_path)
  trainer.train()  # ends with the weights of the best checkpoint
  inputs, targets = evaluate.held_out(tasks.get('badd'), 11, 512)
  result = evaluate.accuracy(trainer.validation.predict, inputs, targets)
  assert result['sequence_accuracy'] >= 0.99, result


@pytest.mark.parametrize('task', ['copy', 'reverse'])
@pytest.mark.parametrize('form', ['read_write', 'seq2seq'])
@pytest.mark.parametrize('model', ['lstm', 'gru'])
def test_baselines_learn_copy_and_reverse_at_short_lengths(tmp_path, model, form, task):
  config = Config(task=task, model=model, rnn_form=form, **SHORT_SEQUENCES,
                  **STEPS_OF_FORM[form]).validate()
  trainer = Trainer(config, tmp_path)
  trainer.train()  # ends with the weights of the best checkpoint
  # Half of the 1,024 possible inputs of length 5, from the test split.
  inputs, targets = evaluate.held_out(tasks.get(task), 5, 512)
  result = evaluate.accuracy(trainer.validation.predict, inputs, targets)
  assert result['sequence_accuracy'] >= 0.95, result
