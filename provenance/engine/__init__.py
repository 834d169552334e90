"""Engines: whole runs (the local pipeline and its process pool, Spark, importing a Spark run, reclean)."""
