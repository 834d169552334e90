"""Extraction: HTML pages and text records into clean bodies and metadata (chrome, dates, disclaimers)."""
