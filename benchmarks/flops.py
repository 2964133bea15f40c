"""Floating-point operations of a Neural GPU, counted analytically (convolutions only:
they are nearly all of the work; gates, dropout and the read-out are left out)."""
from neuralgpu import lengths


def forward(config, batch: int, length: int) -> int:
  """One forward pass over `batch` inputs of `length` symbols: every step applies
  `layers` CGRUs, each a gate convolution (2·maps outputs) and a candidate one (maps
  outputs) over the batch × length × height state, 2 operations per multiply-add."""
  positions = batch * length * config.height
  multiply_adds = config.kernel_width * config.kernel_height * config.maps * 3 * config.maps
  steps = length * config.steps_per_symbol
  return 2 * multiply_adds * positions * config.layers * steps


def dngpu_forward(config, batch: int, length: int) -> int:
  """The same for the DNGPU: a one-row state, `layers` DCGRUs per step, each a gate
  convolution (2·maps outputs) and a candidate one (maps outputs) of width kernel_width."""
  multiply_adds = config.kernel_width * config.maps * 3 * config.maps
  steps = length * config.steps_per_symbol
  return 2 * multiply_adds * batch * length * config.layers * steps


def dngpu_bins_training_step(config) -> int:
  """A --batching=bins step of the DNGPU: batch_size examples in every bin."""
  return 3 * sum(dngpu_forward(config, config.batch_size, length)
                 for length in lengths.bins(config))


def training_step(config, batch: int, length: int) -> int:
  """Forward and backward: the backward pass computes a convolution's gradient for its
  input and for its kernel, each as costly as the convolution."""
  return 3 * forward(config, batch, length)


def forward_of(config, batch: int, length: int) -> int:
  """forward or dngpu_forward, by the configuration's model."""
  return (dngpu_forward if config.model == 'dngpu' else forward)(config, batch, length)
