"""Which input records are already in the store, decided from the source, before extraction.

An article's identity comes from where it was read, not from the text the
cleaner extracts: the record's id field, else its URL (normalized as
``extract`` does for ``u`` ids), else the file and locator it was read from.
The cleaner's output changes as chrome is learned (a page re-read after 500
more pages of its outlet loses a menu line), so deduplicating on the cleaned
text stored one page twice (``id~hash``) and paired it with its own earlier
version. Now:

* a record with text whose key is stored with the same body as read
  (``raw_text``, or ``text`` when cleaning changed nothing) is already present;
* an HTML record (no text) whose key, or whose file and locator, is stored is already
  present (the body is only known after extraction; the same URL is the same page, and
  so is the same file, whose URL as read may change when the rule reading it does);
* a record without id or URL is already present when the same file and
  locator are stored with the same body.

Such records are dropped before extraction, so they are not counted again in
the outlet's chrome statistics either (which is what made the second reading
shorter). A record whose key is stored with another body (an updated story
under the same id) goes on to extraction and is kept under ``id~hash`` as
before. Re-cleaning stored texts is not this module's job (see
``provenance.engine.reclean``).
"""

from __future__ import annotations

import polars as pl

from provenance.store import Store


def source_key(raw: pl.DataFrame) -> pl.Series:
    """The article id a RAW record will get from its id field or URL (null for neither)."""
    from provenance.extract.clean import (  # the id rules live with extraction
        normalized_url_expr,
        xxh64_hex,
    )

    rid = raw.get_column("id").str.strip_chars()
    rid = pl.select(pl.when(rid != "").then(rid)).to_series()
    url = raw.select(normalized_url_expr(pl.col("url").str.strip_chars()).alias("u")).get_column("u")
    uhash = xxh64_hex(url.fill_null(""))
    uid = pl.select(pl.when(url.is_not_null()).then(pl.lit("u") + uhash)).to_series()
    return pl.select(pl.coalesce(rid, uid).alias("key")).to_series()


def split_present(raw: pl.DataFrame, store: Store) -> tuple[pl.DataFrame, int]:
    """``(records still to ingest, count already present)`` for a RAW batch."""
    if raw.height == 0 or not store.exists():
        return raw, 0
    probe = pl.DataFrame(
        {
            "rid": pl.int_range(raw.height, eager=True, dtype=pl.Int64),
            "key": source_key(raw),
            "source": raw["source"],
            "locator": raw["locator"],
            "body": raw["text"],
        }
    ).with_columns(
        pl.when(pl.col("body").str.contains(r"\S").fill_null(False)).then(pl.col("body")).alias("body")
    )
    present = store.present_records(probe)
    if present.len() == 0:
        return raw, 0
    keep = ~pl.int_range(raw.height, eager=True, dtype=pl.Int64).is_in(present.implode())
    return raw.filter(keep), int(present.len())
