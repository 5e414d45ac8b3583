"""The fuzz harness behind ``scripts/fuzz.py``: seeds, mutators, the runner and the
classification of every outcome (see docs/robustness.md)."""
