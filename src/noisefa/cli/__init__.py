"""Every command the workflow's rules call: `python -m noisefa.cli.<name> --help`.

Each module with a `main` is one command: it parses its arguments, calls library
functions (`noisefa.data`, `noisefa.learning`, `noisefa.analysis`, ...) and writes its
outputs atomically. No command imports another; what two commands share lives in the
library or in the two helper modules here, `common` (logging, errors, device, provenance)
and `noise_arguments` (the settings of Algorithm 1).
"""
