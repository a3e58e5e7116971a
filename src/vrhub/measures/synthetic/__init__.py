"""Synthetic data in the formats vrhub imports: for benchmarks, tests and the demo world."""
