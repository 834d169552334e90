"""Synthetic news corpora with known ground truth, for tests and benchmarks.

``generate(n, seed=..., mode=...)`` returns a :class:`Corpus`: ``articles``
(RAW-like records: id, url, outlet, published, title, byline, text) and
``truth`` (who was copied from whom, how, and with what credit).

The story structure is the same in both modes (see :mod:`.plan`): agencies
publish originals; Indian agencies rewrite foreign agency stories citing them
("..., Yonhap news agency reported."), sometimes from a foreign story that is
not in the corpus; outlets republish the wire copy verbatim, trimmed, with a
new headline, with an added intro, lightly edited, partially (2-4 lifted
paragraphs in a story of their own) or rewritten, sometimes from another
outlet's copy (multi-hop); other articles report the same event
independently (same names, numbers and a quote or two, their own sentences).

* ``mode="realistic"``: English text from a compositional grammar written for
  this package (sentence frames x templates x event facts), so unrelated
  stories share few word 5-shingles while copies keep their parent's text.
* ``mode="fast"``: ~450 pseudo-words per article drawn from a Zipf law over a
  large synthetic vocabulary, generated and rendered by numba; for 1M-10M
  article benchmarks. :func:`generate_to` streams blocks to JSONL or Parquet.

Output is a deterministic function of ``(n, seed, mode, options, chunk)``.
Corpora are generated in blocks of ``chunk`` articles (stories never cross a
block), so ``generate`` and ``generate_to`` with the same arguments produce the
same rows.

CLI::

    python -m provenance.tools.synth N OUT [--seed S] [--mode fast|realistic] [--format jsonl|parquet]
    python -m provenance.tools.synth sample data/sample

All text in this package was written for it; none is taken from real articles.

Modules, one concern each (imports run down this list):

* :mod:`.schema`: relations, credit styles, article columns, the truth schema, defaults.
* :mod:`.vocab`: regions, names, money, media, companies, dates and topics (event facts).
* :mod:`.outlets`: the agencies and outlets, their time zones, credit names, staff bylines.
* :mod:`.frames`: sentence templates by frame, headlines, quotes, synonyms, disclaimers; filling a template.
* :mod:`.events`: an event's facts, shared by every article about it.
* :mod:`.grammar`: the grammar engine (sentences, documents, datelines, composition, edits).
* :mod:`.plan`: who publishes what, copied from whom, when (both modes).
* :mod:`.ops`: realistic mode's copy operations on documents.
* :mod:`.realistic`: realistic mode's rendering of a plan.
* :mod:`.fast`: fast mode's numba pseudo-word kernels.
* :mod:`.corpus`: ids, records and truth per block; :class:`Corpus`, :func:`generate`.
* :mod:`.writers`: JSONL/Parquet writers and :func:`generate_to`.
* :mod:`.pages`: site chrome and HTML/scraped-text pages for the sample.
* :mod:`.sample`: the bundled sample (:func:`write_sample`).
* :mod:`.cli`: the command line (:func:`main`); ``__main__`` runs it.
"""

from __future__ import annotations

from provenance.tools.synth.cli import main
from provenance.tools.synth.corpus import Corpus, generate, iter_blocks
from provenance.tools.synth.frames import DISCLAIMERS
from provenance.tools.synth.outlets import AGENCIES
from provenance.tools.synth.sample import SAMPLE_N, SAMPLE_SEED, write_sample
from provenance.tools.synth.schema import (
    ARTICLE_COLUMNS,
    CREDIT_STYLES,
    DEFAULT_CHUNK,
    DEFAULT_START,
    RELATIONS,
    TRUTH_SCHEMA,
)
from provenance.tools.synth.writers import generate_to, write_jsonl, write_parquet

__all__ = [
    "Corpus",
    "RELATIONS",
    "CREDIT_STYLES",
    "ARTICLE_COLUMNS",
    "TRUTH_SCHEMA",
    "DISCLAIMERS",
    "generate",
    "iter_blocks",
    "generate_to",
    "write_jsonl",
    "write_parquet",
    "write_sample",
    "main",
    # also public before the split, kept importable from here
    "AGENCIES",
    "DEFAULT_CHUNK",
    "DEFAULT_START",
    "SAMPLE_N",
    "SAMPLE_SEED",
]
