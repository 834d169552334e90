"""Tracing: credits, lineage, agency sites, analytics, and the explanations and overrides of links."""
