"""Named experiment presets: `python run.py --experiment=NAME`; flags override them.

Each preset's comment gives its command and its training time measured on 2 CPU cores
(shared with other jobs, so an upper bound of what the cores alone would take).
"""
# The baselines learn from the same data under the same curriculum as the Neural GPU
# preset of their task; only the model differs.
BADD_DATA = dict(task='badd', hard_fraction=0.5)
BMUL_DATA = dict(task='bmul')
# Eight baselines: {badd,bmul}_{lstm,gru}[_seq2seq] (read-then-write, or encoder-decoder
# with attention), with the defaults: 128 units, 2 layers, dropout 0.1 on the layers'
# inputs and outputs, 20,000 steps.
BASELINE_FORMS = {'': dict(rnn_form='read_write'), '_seq2seq': dict(rnn_form='seq2seq')}

PRESETS = {
    # python run.py (the default preset): binary addition, half of every batch built
    # around a long carry chain; exact at length 401 after 4,800 steps (seed 0), in
    # 1,665-1,858 s of training.
    'badd': dict(BADD_DATA),
    # python run.py --experiment=bmul: the curriculum stalls at length 13; 20,000 steps
    # in 1,479 s.
    'bmul': dict(BMUL_DATA, relax_sets=6),
    # python run.py --experiment=bmul_improved: stalls at length 13 too; 15,000 steps in
    # 2,267 s.
    'bmul_improved': dict(BMUL_DATA, hard_gates=True, diagonal_gates=True,
                          saturation_cost=0.01),
    # python run.py --experiment=badd_lstm (and badd_gru, badd_lstm_seq2seq, ...): 20,000
    # steps in 420-871 s (badd) and 482-758 s (bmul); python -m experiments.compare
    # trains a task's Neural GPU and its four baselines and compares them.
    **{f'{task}_{model}{suffix}': dict(data, model=model, **form)
       for task, data in (('badd', BADD_DATA), ('bmul', BMUL_DATA))
       for model in ('lstm', 'gru') for suffix, form in BASELINE_FORMS.items()},
    # A few steps at tiny sizes, for tests and smoke checks.
    'smoke': dict(task='badd', maps=8, max_length=9, max_steps=20, eval_every=10,
                  log_every=10, probe_every=10, eval_examples=8),
}


def get(name: str) -> dict:
  try:
    return PRESETS[name]
  except KeyError:
    raise ValueError(f'unknown experiment {name!r}; valid: {", ".join(sorted(PRESETS))}'
                     ) from None


def for_model(model: str) -> list[str]:
  """The presets that train `model` (a preset without a model trains the Neural GPU)."""
  return sorted(name for name, preset in PRESETS.items()
                if preset.get('model', 'ngpu') == model)
