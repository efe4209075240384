"""One function per paper figure: tidy result tables in, matplotlib Figure out."""
