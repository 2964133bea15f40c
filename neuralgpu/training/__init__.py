"""Training a model: the trainer's loop (train.py) and what it calls: the batches, the
curriculum, the compiled step, the optimizers and rate schedules, validation and the
best checkpoint, recovery from NaNs and collapses, the state a resume restores."""
