"""The compiled training step: the loss over a step's parts (one batch, or one per length
bin) plus the model's auxiliary loss, its gradients clipped and noised, and the update
skipped when they are not finite; data-parallel over replicas with a strategy."""
import functools

import numpy as np
import tensorflow as tf

from neuralgpu import lengths
from neuralgpu.training import distribute, optim


class TrainingStep:
  """`step(parts, seed, lr, noise_std)` -> metrics: one update of model's weights, by a
  function traced once for the whole run (once for each of --train_step_factors)."""

  def __init__(self, config, model, optimizer, strategy):
    self.config, self.model, self.optimizer, self.strategy = config, model, optimizer, strategy
    self.part_weights = weights_of_parts(config)
    # Static shapes where they are known (the batch; a bin's length) give faster kernels,
    # and let a model unroll its steps.
    parts = [(tf.TensorSpec([config.batch_size, n], tf.int32),) * 2
             for n in lengths.bins(config) or [None]]
    scalar = tf.TensorSpec([], tf.float32)
    self.factors = [float(f) for f in config.train_step_factors.split(',')]
    self.compiled = {factor: tf.function(
        functools.partial(self._distributed if strategy else self._single,
                          step_factor=factor), jit_compile=config.jit,
        input_signature=[parts, tf.TensorSpec([2], tf.int32), scalar, scalar])
                     for factor in self.factors}

  def __call__(self, parts, seed, lr, noise_std):
    return self.compiled[self.factor(seed)](parts, seed, lr, noise_std)

  def factor(self, seed) -> float:
    """The step factor of the step whose seed is [run seed, step]: drawn from both, so a
    resumed run draws the same."""
    if len(self.factors) == 1:
      return self.factors[0]
    return self.factors[np.random.default_rng(np.asarray(seed).tolist()).integers(
        len(self.factors))]

  def _single(self, parts, seed, lr, noise_std, step_factor):
    grads, metrics = self._gradients(parts, seed, step_factor)
    return self._apply(grads, metrics, seed, lr, noise_std)

  def _distributed(self, parts, seed, lr, noise_std, step_factor):
    """Each replica's gradients of its slice of the batch; their mean applied on all."""

    def replica_gradients(parts):
      replica = tf.distribute.get_replica_context().replica_id_in_sync_group
      return self._gradients([tuple(map(distribute.replica_slice, part)) for part in parts],
                             tf.random.experimental.stateless_fold_in(seed, replica),
                             step_factor)

    grads, metrics = self.strategy.run(replica_gradients, args=(parts,))
    mean = functools.partial(self.strategy.reduce, tf.distribute.ReduceOp.MEAN, axis=None)
    return self._apply([mean(g) for g in grads], {k: mean(v) for k, v in metrics.items()},
                       seed, lr, noise_std)

  def _gradients(self, parts, seed, step_factor):
    """Gradients of the weighted loss of the parts plus the model's auxiliary loss, and
    the step's metrics (accuracies over every example of every part)."""
    model = self.model
    more_steps = {} if step_factor == 1 else {'step_factor': step_factor}
    loss, extras, correct_symbols, correct_sequences = 0.0, {}, [], []
    with tf.GradientTape() as tape:
      for i, ((inputs, targets), weight) in enumerate(zip(parts, self.part_weights)):
        logits, part_extras = model(inputs, training=True, targets=targets,
                                    seed=tf.random.experimental.stateless_fold_in(seed, i),
                                    **more_steps)
        loss += weight * model.loss(logits, targets)
        for name, value in part_extras.items():
          extras[name] = extras.get(name, 0.0) + weight * value
        correct = tf.equal(model.predictions(logits), targets)
        correct_symbols.append(tf.reshape(tf.cast(correct, tf.float32), [-1]))
        correct_sequences.append(tf.cast(tf.reduce_all(correct, axis=1), tf.float32))
      total = loss + model.auxiliary_loss(extras)
    return tape.gradient(total, model.trainable_variables), {
        'loss': loss, **extras,
        'symbol_accuracy': tf.reduce_mean(tf.concat(correct_symbols, 0)),
        'sequence_accuracy': tf.reduce_mean(tf.concat(correct_sequences, 0))}

  def _apply(self, grads, metrics, seed, lr, noise_std):
    c = self.config
    grads, grad_norm = optim.clip_and_add_noise(
        grads, c.max_grad_norm, noise_std, tf.random.experimental.stateless_fold_in(seed, 1))
    if c.lr_noise > 0:
      grads = optim.add_rate_noise(grads, lr, c.lr_noise,
                                   tf.random.experimental.stateless_fold_in(seed, 2))
    finite = tf.math.is_finite(grad_norm) & tf.math.is_finite(metrics['loss'])

    def update():
      self.optimizer.apply(grads, self.model.trainable_variables, lr)
      return tf.constant(0.0)

    skipped = tf.cond(finite, update, lambda: tf.constant(1.0))
    return {**metrics, 'grad_norm': grad_norm, 'skipped': skipped}


def weights_of_parts(config) -> list[float]:
  """The weight of each part of a step in the loss: one part, or one per bin, equal
  (DNGPU) or in proportion to its positions."""
  bins = lengths.bins(config)
  if not bins:
    return [1.0]
  sizes = [1] * len(bins) if config.bin_weighting == 'equal' else bins
  return [size / sum(sizes) for size in sizes]
