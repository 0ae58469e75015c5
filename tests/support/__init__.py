"""Helpers shared by the tests and the benchmark (never part of the book's package): import them
from the repository's root as `tests.support.<module>` (`python -m benchmarks` runs there; pytest
puts the root on the path through the root conftest.py)."""
