"""Speed and memory of the framework on this machine: `python -m benchmarks`."""
