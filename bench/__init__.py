"""Lockstep's benchmark (bench/run.py); not part of the product or the test suite."""
