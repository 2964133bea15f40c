"""Pictures of the computation: the state of one example through the steps.

Every panel is positions (x) by steps (y, the input at the top), as in the figures of
the Neural GPU paper: what the model reads out after each step, how much is stored at
each position, and the channels of row 0 that change most.
"""
import numpy as np

from neuralgpu.evaluation.report import plt


CHANNELS_SHOWN = 4
READOUT = 'symbol read out'


def panels(model, inputs: np.ndarray) -> dict[str, np.ndarray]:
  """Named [steps + 1, length] arrays for the single example inputs [length]."""
  trace = model.trace(inputs[None])[:, 0]  # [steps + 1, length, height, maps]
  readout = np.asarray(model.readout(trace)).argmax(-1)  # the steps as a batch
  row0 = trace[:, :, 0, :]
  busiest = np.argsort(row0.reshape(-1, row0.shape[-1]).std(0))[::-1][:CHANNELS_SHOWN]
  return {READOUT: readout,
          'state norm (all rows)': np.linalg.norm(trace, axis=(2, 3)),
          **{f'row 0, channel {c}': row0[:, :, c] for c in sorted(busiest)}}


def to_unit(array: np.ndarray) -> np.ndarray:
  """Scaled to [0, 1] for an image (constant arrays give zeros)."""
  array = np.asarray(array, np.float32)
  spread = array.max() - array.min()
  return (array - array.min()) / spread if spread > 0 else np.zeros_like(array)


def figure(named: dict[str, np.ndarray], title: str, vocab: tuple[str, ...]):
  """The panels side by side; the read-out symbols coloured and labelled by vocab."""
  fig, axes = plt.subplots(1, len(named), figsize=(3.2 * len(named), 4), squeeze=False)
  for ax, (name, array) in zip(axes[0], named.items()):
    if name == READOUT:
      image = ax.imshow(array, aspect='auto', interpolation='nearest', vmin=-0.5,
                        vmax=len(vocab) - 0.5,
                        cmap=plt.get_cmap('tab10', len(vocab)))
      bar = fig.colorbar(image, ax=ax, fraction=0.05, ticks=range(len(vocab)))
      bar.ax.set_yticklabels(vocab)
    else:
      image = ax.imshow(array, aspect='auto', interpolation='nearest', cmap='viridis')
      fig.colorbar(image, ax=ax, fraction=0.05)
    ax.set_title(name, fontsize=9)
    ax.set_xlabel('position')
    ax.set_ylabel('step')
  fig.suptitle(title, fontsize=10)
  fig.tight_layout()
  return fig
