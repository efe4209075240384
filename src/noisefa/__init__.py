"""noisefa: random-noise pretraining for feedback alignment (Cheon, Lee & Paik, NeurIPS 2024)."""

__version__ = "0.1.0"
