"""Measurements on weights and activations, and the statistics the paper reports."""
