"""The benchmarks of the book: `make bench` (`python -m benchmarks`). Never part of `make test`."""
