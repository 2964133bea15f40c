"""Testing a trained model: accuracy on held-out examples and hard suites by length
(evaluate.py), the state through the steps (state_trace.py, visualize.py), and the
tables, results.json and plots that report them."""
