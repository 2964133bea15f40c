"""Exporting a trained model as a SavedModel that answers ids and text."""
