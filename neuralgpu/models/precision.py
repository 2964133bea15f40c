"""Convolutions in a reduced number format (--compute_dtype), weights and state float32."""
import tensorflow as tf


def in_compute_dtype(convolution, state, kernel, compute_dtype: str):
  """convolution(state, kernel) computed in compute_dtype; the result is float32."""
  dtype = tf.as_dtype(compute_dtype)
  if dtype == tf.float32:
    return convolution(state, kernel)
  return tf.cast(convolution(tf.cast(state, dtype), tf.cast(kernel, dtype)), tf.float32)


def cpu_has_native_bfloat16() -> bool:
  """AVX512_BF16 or AMX in this CPU's flags (Linux); without them TensorFlow emulates
  bfloat16 products, many times slower than float32 (35 s against 1.06 s a bmul_dngpu
  step on an AMD EPYC without them, 2026-11-30)."""
  try:
    with open('/proc/cpuinfo', encoding='utf-8') as info:
      flags = info.read()
  except OSError:
    return False
  return any(flag in flags for flag in (' avx512_bf16', ' amx_bf16'))


def emulation_warning(compute_dtype: str, has_gpu: bool) -> str | None:
  """The line to print where --compute_dtype=bfloat16 would be emulated, else None."""
  if compute_dtype != 'bfloat16' or has_gpu or cpu_has_native_bfloat16():
    return None
  return ('warning: --compute_dtype=bfloat16 on a CPU without AVX512_BF16 or AMX is '
          'emulated, many times slower than float32; --compute_dtype=float32 is the fast '
          'one here')
