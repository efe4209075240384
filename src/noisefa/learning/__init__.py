"""Networks, learning rules, noise and the training loops."""
