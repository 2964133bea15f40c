"""The Neural GPU library: models, training and evaluation (TensorFlow 2).

The algorithmic tasks it learns live in the `tasks` package.
"""
