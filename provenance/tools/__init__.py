"""Tools: benchmarks, the synthetic corpus with ground truth, evaluation harnesses."""
