"""Models: the Neural GPU, the DNGPU and the LSTM and GRU baselines, behind one interface
(neuralgpu.models.base.Model), built by name through neuralgpu.model_registry; each
declares its settings in its *_settings.py, which imports no TensorFlow."""
