"""`python -m elshi.publishing.bench setup|states …`: what the benchmark's children run."""

import sys

from elshi.publishing.bench.children import setup, states

if sys.argv[1] == "setup":
    setup(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
elif sys.argv[1] == "states":
    states()
