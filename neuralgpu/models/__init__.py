"""Models: the Neural GPU (and, later, LSTM and GRU baselines)."""
from neuralgpu.models.ngpu import NeuralGPU


def build(config, vocab_size: int):
  if config.model == 'ngpu':
    return NeuralGPU(config, vocab_size)
  raise ValueError(f'unknown model {config.model!r}; valid: ngpu')
