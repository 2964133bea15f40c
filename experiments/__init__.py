"""Named experiment presets, each with its launch command and expected runtime."""
