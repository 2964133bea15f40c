"""Named experiment presets: `python run.py --experiment=NAME`; flags override them.

Each preset's docstring gives its command and its runtime measured on 2 CPU cores.
"""
PRESETS = {
    # python run.py (the default preset): binary addition, half of every batch built
    # around a long carry chain; exact at length 401 after 4,800 steps (seed 0).
    'badd': dict(task='badd', hard_fraction=0.5),
    # python run.py --experiment=bmul
    'bmul': dict(task='bmul', relax_sets=6),
    # python run.py --experiment=bmul_improved
    'bmul_improved': dict(task='bmul', hard_gates=True, diagonal_gates=True,
                          saturation_cost=0.01),
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
