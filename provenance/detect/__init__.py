"""Detection: tokens, fingerprints, candidates, exact verification, rewrites, clusters, search."""
