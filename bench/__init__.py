"""Performance benchmarks whose numbers the README quotes (run them with ``python -m``)."""
