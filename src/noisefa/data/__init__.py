"""Datasets: registry, offline-first staging with verification, subsets, OOD sets."""
