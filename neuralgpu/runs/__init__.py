"""Runs as the command line and the API handle them: a workdir and its lock, what a
run does (actions.py: train, evaluate, decode, draw, trace), the memory a run will
need, saved evaluations, sessions, and stored runs (published models, parked states)."""
