"""The DNGPU of Freivalds & Liepins (neuralgpu.models.dngpu) as the command line and the
memory checks know it: its settings and estimates. Imports no TensorFlow."""
from neuralgpu import model_registry
from neuralgpu.models.ngpu_settings import (CGRU, cgru_parameters, cgru_training_floats,
                                            step_factors)
from neuralgpu.settings import setting

OWN = model_registry.declare(
    saturation_limit=setting(0.9, 'dngpu: pre-activations of the gates, the candidate and '
                             'the input past this absolute value are penalized by the '
                             'saturation cost.', low=0.0),
    saturation_weight=setting(1e-3, 'dngpu: initial and largest weight of the saturation '
                              'cost; after every --window_steps steps it is set to '
                              'min(this, lr * mean loss / mean saturation) of those steps '
                              '(0 = no cost).', low=0.0),
)

# State copies a training step keeps per position and step: measured 23-24 per DCGRU
# (maps 48-96), peak resident memory of a step, 2026-11-30.
STORED_COPIES = 16


model_registry.register('dngpu', model_registry.ModelKind(
    builder='neuralgpu.models.dngpu:DNGPU',
    summary='the Neural GPU of Freivalds & Liepins, as their DNGPU code computes it.',
    settings=CGRU + OWN,
    meanings={'layers': 'DCGRUs per step, each with its own weights',
              'dropout': 'on the embedded input and on the candidate at every step'},
    name_in_tables=lambda config: 'DNGPU',
    activation_floats=lambda config: config.maps * 12,
    parameters=lambda config, vocab_size: cgru_parameters(config, vocab_size,
                                                          config.kernel_width, 1),
    training_floats=lambda config, length: cgru_training_floats(config, length,
                                                                STORED_COPIES, 1),
    check=step_factors,
    draws_state=True))
