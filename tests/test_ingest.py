"""read_sources: every format, and every kind of bad input, into RAW + REJECTS."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.config import Config
from provenance.errors import InputError
from provenance.extract.clean import extract
from provenance.ingest import jsonl as jsonl_mod
from provenance.ingest import read_sources
from provenance.schemas import RAW, REJECTS

FIXTURES = Path(__file__).parent / "fixtures"


def _jl(*objs) -> bytes:
    return b"".join((json.dumps(o) if not isinstance(o, bytes) else o.decode("latin-1")).encode("latin-1") + b"\n" for o in objs)


def _reasons(rej: pl.DataFrame) -> list[tuple]:
    return rej.select("locator", "reason", "action").rows()


# ------------------------------------------------------------------ JSONL


def test_jsonl_fields_synonyms_and_locators(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(
        json.dumps({"id": 7, "body": "Body one.", "headline": "H1", "link": "https://x.example/a",
                    "author": "Ann", "pubdate": "2024-10-16", "publisher": "X Daily", "views": 3})
        + "\n\n"
        + json.dumps({"text": "Body two.", "Title": "H2", "extra": {"a": 1}})
        + "\n"
    )
    raw, rej = read_sources([str(p)])
    assert raw.schema == RAW and rej.schema == REJECTS
    assert raw.get_column("locator").to_list() == ["line 1", "line 3"]
    r0 = raw.row(0, named=True)
    assert r0 == {
        "source": str(p), "locator": "line 1", "format": "jsonl", "id": "7", "url": "https://x.example/a",
        "canonical": None, "outlet": "X Daily", "published": "2024-10-16", "title": "H1", "byline": "Ann", "text": "Body one.",
        "html": None,
    }
    assert raw.row(1, named=True)["title"] == "H2"
    # unknown fields: reported once per file, action "ignored"
    unk = rej.filter(pl.col("reason") == "unknown_fields")
    assert unk.height == 1 and unk.item(0, "action") == "ignored"
    assert "views" in unk.item(0, "detail") and "extra" in unk.item(0, "detail")


def test_field_map_wins_over_synonyms(tmp_path):
    p = tmp_path / "f.jsonl"
    p.write_text(json.dumps({"text": "teaser only", "story_body": "the real body", "when": "2024-01-02"}) + "\n")
    raw, _ = read_sources([p], field_map={"text": "story_body", "published": "when"})
    assert raw.item(0, "text") == "the real body"
    assert raw.item(0, "published") == "2024-01-02"
    with pytest.raises(InputError, match="unknown field"):
        read_sources([p], field_map={"bodytext": "story_body"})


def test_jsonl_bad_lines_are_rejected_with_line_numbers(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_bytes(
        _jl({"text": "ok one"})
        + b'{"text": "broken\n'  # line 2: malformed
        + b"[1, 2, 3]\n"  # line 3: not an object
        + b'{"text": "caf\xe9 au lait"}\n'  # line 4: cp1252 byte
        + b'{"text": "nul\x00here"}\n'  # line 5: NUL byte
        + b'"just a string"\n'  # line 6
        + _jl({"text": "ok seven"})
    )
    raw, rej = read_sources([p])
    assert raw.get_column("locator").to_list() == ["line 1", "line 4", "line 5", "line 7"]
    assert raw.get_column("text").to_list() == ["ok one", "café au lait", "nulhere", "ok seven"]
    got = _reasons(rej)
    assert ("line 2", "malformed_json", "skipped") in got
    assert ("line 3", "non_object_json", "skipped") in got
    assert ("line 4", "bad_encoding", "repaired") in got
    assert ("line 5", "nul_bytes", "repaired") in got
    assert ("line 6", "non_object_json", "skipped") in got
    assert "line 2" in rej.filter(pl.col("reason") == "malformed_json").item(0, "detail")


def test_jsonl_many_chunks_keep_line_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonl_mod, "CHUNK_BYTES", 200)
    lines = []
    for i in range(1, 301):
        if i == 150:
            lines.append(b"{oops")
        elif i % 50 == 0:
            lines.append(b"")
        else:
            lines.append(json.dumps({"id": f"r{i}", "text": f"text {i}"}).encode())
    p = tmp_path / "many.ndjson"
    p.write_bytes(b"\n".join(lines))  # no trailing newline
    raw, rej = read_sources([p])
    ids = raw.get_column("id").to_list()
    locs = raw.get_column("locator").to_list()
    assert len(ids) == 300 - 1 - 5
    assert all(loc == f"line {i[1:]}" for i, loc in zip(ids, locs, strict=True))
    assert _reasons(rej.filter(pl.col("reason") == "malformed_json")) == [("line 150", "malformed_json", "skipped")]


def test_jsonl_gzip_and_utf16(tmp_path):
    rec = {"text": "Grüße aus Köln", "title": "T"}
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(_jl(rec, rec)))
    (tmp_path / "b.jsonl").write_bytes((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-16"))
    raw, rej = read_sources([tmp_path])
    assert raw.get_column("text").to_list() == ["Grüße aus Köln"] * 3
    assert rej.filter(pl.col("action") != "ignored").height == 0


def test_json_array_and_single_object(tmp_path):
    (tmp_path / "arr.json").write_text(json.dumps([{"content": "a"}, 5, {"content": "b", "date": 1729077300}]))
    (tmp_path / "one.json").write_text(json.dumps({"article": "single", "source": "S"}, indent=2))
    raw, rej = read_sources([tmp_path])
    assert raw.select("locator", "text").rows() == [("item 1", "a"), ("item 3", "b"), ("item 1", "single")]
    assert raw.item(1, "published") == "1729077300"
    assert ("item 2", "non_object_json", "skipped") in _reasons(rej)


def test_jsonl_without_text_field_is_an_input_error(tmp_path):
    p = tmp_path / "meta.jsonl"
    p.write_text(json.dumps({"id": 1, "headline": "x", "summary": "y"}) + "\n")
    with pytest.raises(InputError) as e:
        read_sources([p])
    msg = str(e.value)
    assert "headline" in msg and "summary" in msg and "--map" in msg


def test_empty_and_blank_files(tmp_path):
    (tmp_path / "e.jsonl").write_bytes(b"")
    (tmp_path / "b.csv").write_bytes(b"\n\n  \n")
    (tmp_path / "p.txt").write_bytes(b"   \n")
    raw, rej = read_sources([tmp_path])
    assert raw.height == 0
    assert sorted(rej.get_column("reason").to_list()) == ["empty_file"] * 3


# ------------------------------------------------------------------ CSV / Parquet


def test_csv_synonyms_duplicates_unknown_and_multiline(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('ID,Headline,Body,Body,Link,Notes\n1,First,"Para one.\n\nPara two.",dup,https://a.example/1,n\n2,Second,Solo,,,\n')
    raw, rej = read_sources([p])
    assert raw.select("locator", "id", "title", "url").rows() == [
        ("row 1", "1", "First", "https://a.example/1"),
        ("row 2", "2", "Second", None),
    ]
    assert raw.item(0, "text") == "Para one.\n\nPara two."
    assert raw.item(0, "format") == "csv"
    got = _reasons(rej)
    assert ("header", "duplicate_column", "ignored") in got
    assert ("header", "unknown_fields", "ignored") in got
    assert "Notes" in rej.filter(pl.col("reason") == "unknown_fields").item(0, "detail")


def test_csv_ragged_rows_are_rejected_by_row(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("id,text\n1,fine\n2,too,many\n3,also fine\n")
    raw, rej = read_sources([p])
    assert raw.select("locator", "text").rows() == [("row 1", "fine"), ("row 3", "also fine")]
    assert ("row 2", "malformed_csv", "skipped") in _reasons(rej)


def test_csv_missing_text_column_error_names_columns(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("id,headline,story_body\n1,a,b\n")
    with pytest.raises(InputError) as e:
        read_sources([p])
    msg = str(e.value)
    assert "id, headline, story_body" in msg and "--map text=" in msg
    raw, _ = read_sources([p], field_map={"text": "story_body"})
    assert raw.item(0, "text") == "b"
    with pytest.raises(InputError, match="no column 'nope'"):
        read_sources([p], field_map={"text": "nope"})


def test_csv_encodings(tmp_path):
    (tmp_path / "cp.csv").write_bytes("id,text\n1,plain\n2,café crème\n".encode("cp1252"))
    (tmp_path / "u16.csv").write_bytes("id,text\n3,naïve\n".encode("utf-16"))
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbfid,text\n4,bom\n")
    raw, rej = read_sources([tmp_path])
    assert dict(raw.select("id", "text").rows()) == {"1": "plain", "2": "café crème", "3": "naïve", "4": "bom"}
    bad = rej.filter(pl.col("reason") == "bad_encoding")
    assert bad.height == 1 and bad.item(0, "action") == "repaired" and bad.item(0, "locator") == "lines 3"
    assert bad.item(0, "source").endswith("cp.csv")


def test_csv_gzip_and_tsv(tmp_path):
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(b"text,outlet\nhello,o1\n"))
    (tmp_path / "b.tsv").write_text("text\toutlet\nworld\to2\n")
    raw, _ = read_sources([tmp_path])
    assert raw.select("text", "outlet").rows() == [("hello", "o1"), ("world", "o2")]


def test_parquet_types_and_corrupt(tmp_path):
    df = pl.DataFrame(
        {
            "id": [1, 2],
            "content": ["a", "b"],
            "published_at": [datetime(2024, 10, 16, 11, 15), None],
            "authors": [["Ann", "Bo"], []],
        }
    ).with_columns(pl.col("published_at").dt.replace_time_zone("UTC"))
    df.write_parquet(tmp_path / "x.parquet")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 this is not really parquet")
    raw, rej = read_sources([tmp_path])
    assert raw.select("locator", "id", "text", "published", "byline").rows() == [
        ("row 1", "1", "a", "2024-10-16T11:15:00+00:00", "Ann, Bo"),
        ("row 2", "2", "b", None, ""),
    ]
    assert raw.item(0, "format") == "parquet"
    assert [r[1] for r in _reasons(rej)] == ["corrupt_file"]


# ------------------------------------------------------------------ pages and folders


def test_page_folders_outlet_locator_source():
    root = str(FIXTURES / "pages")
    raw, rej = read_sources([root])
    assert rej.height == 0
    assert set(raw.get_column("source")) == {root}
    assert set(raw.get_column("format")) == {"txt"}
    got = dict(raw.select("locator", "outlet").rows())
    assert got["harborherald/valmora-ferries.txt"] == "harborherald"
    assert got["valleypost/2025-03-06-market.txt"] == "valleypost"


def test_single_page_file_and_header_block(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text("URL: https://www.Coastline.example/news/1\nTitle: Given title\nPublished: 2025-03-03T10:00:00Z\n\nBody line.\n")
    raw, _ = read_sources([p])
    r = raw.row(0, named=True)
    assert (r["source"], r["locator"]) == (str(p), "story.txt")
    assert (r["url"], r["outlet"], r["title"], r["published"]) == (
        "https://www.Coastline.example/news/1", "coastline.example", "Given title", "2025-03-03T10:00:00Z",
    )
    assert r["text"] == "Body line.\n"
    # a page that merely starts with "Key: value"-looking prose is not a header block
    q = tmp_path / "nohdr.txt"
    q.write_text("Title: a novel approach\nto harbour dredging was tested on Monday.\n\nMore.\n")
    raw, _ = read_sources([q])
    assert raw.item(0, "title") is None and raw.item(0, "text").startswith("Title: a novel")


def test_date_folders_are_skipped_for_outlet(tmp_path):
    d = tmp_path / "coastline" / "2025" / "03"
    d.mkdir(parents=True)
    (d / "a.txt").write_text("Some text.\n")
    (tmp_path / "top.txt").write_text("Top text.\n")
    raw, _ = read_sources([tmp_path])
    assert dict(raw.select("locator", "outlet").rows()) == {"coastline/2025/03/a.txt": "coastline", "top.txt": None}


def test_folder_with_binary_unknown_hidden_and_html(tmp_path):
    (tmp_path / "pic.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "notes.md").write_text("# just notes\n")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01junk")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden\n")
    (tmp_path / "legacy.html").write_bytes(
        '<html><head><meta charset="windows-1252"><link rel="canonical" href="https://www.old.example/p?a=1&amp;b=2">'
        "</head><body><p>Caf\u00e9 news \u2013 fine.</p></body></html>".encode("cp1252")
    )
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"<html><body><p>zipped page</p></body></html>"))
    raw, rej = read_sources([tmp_path])
    by_loc = {r["locator"]: r for r in raw.iter_rows(named=True)}
    assert set(by_loc) == {"legacy.html", "page.html.gz"}
    assert "Café news – fine." in by_loc["legacy.html"]["html"]
    assert by_loc["legacy.html"]["url"] == "https://www.old.example/p?a=1&b=2"
    assert by_loc["legacy.html"]["outlet"] == "old.example"
    got = {(Path(s).name if loc is None else loc, reason) for s, loc, reason in rej.select("source", "locator", "reason").rows()}
    assert got == {("pic.txt", "binary_file"), ("blob.bin", "binary_file"), ("notes.md", "unknown_format")}


def test_utf8_with_one_broken_sequence_is_not_read_as_cp1252(tmp_path):
    # A site cut a teaser mid-character: one invalid byte in a UTF-8 page. Reading the whole page as
    # cp1252 for it would garble every Polish and Hindi character; it is UTF-8 with one repair.
    teaser = b"Celnicy udaremnili przemyt 653 tys. paczek papieros\xc3..."
    (tmp_path / "pl.html").write_bytes(
        b'<html><head><meta charset="UTF-8"></head><body><p>'
        + "Kolejne organizacje sprzeciwiają się atakom na fundację.".encode() + b"</p><p>" + teaser + b"</p></body></html>"
    )
    (tmp_path / "hi.jsonl").write_bytes(
        '{"text": "नगर निगम ने बजट पेश किया '.encode() + b'\xe0\xa4"}\n'
        + _jl({"text": "second line"})
    )
    raw, rej = read_sources([tmp_path])
    by_loc = {r["locator"]: r for r in raw.iter_rows(named=True)}
    assert "sprzeciwiają się atakom na fundację" in by_loc["pl.html"]["html"]
    assert by_loc["line 1"]["text"].startswith("नगर निगम ने बजट पेश")
    details = dict(rej.filter(pl.col("reason") == "bad_encoding").select("locator", "detail").rows())
    assert "utf-8 (1 invalid sequence replaced)" in details["line 1"]
    assert any("utf-8 (1 invalid sequence replaced)" in d for d in details.values() if d != details["line 1"])
    # real cp1252 stays cp1252
    assert jsonl_mod.decode_line("caf\u00e9 cr\u00e8me".encode("cp1252")) == ("café crème", "cp1252")


def test_pages_in_legacy_non_latin_encodings_without_a_charset(tmp_path):
    # Old Russian and Korean sites served cp1251 and EUC-KR; saved without a charset declaration, such a
    # page was read as cp1252 and garbled. A Latin page in cp1252 still reads as cp1252.
    ru = "Городской совет утвердил бюджет на следующий год. Депутаты обсуждали расходы на ремонт дорог."
    ko = "시의회는 내년 예산안을 승인했다. 의원들은 도로와 학교 보수 비용을 오래 논의했다."
    fr = "Le conseil municipal a approuvé le budget de l'année prochaine; les élus ont débattu des dépenses."
    for name, text, enc in (("ru.html", ru, "cp1251"), ("ko.html", ko, "euc-kr"), ("fr.html", fr, "cp1252")):
        (tmp_path / name).write_bytes(f"<html><body><p>{text}</p><p>{text}</p></body></html>".encode(enc))
    raw, rej = read_sources([tmp_path])
    by_loc = {r["locator"]: r["html"] for r in raw.iter_rows(named=True)}
    assert ru in by_loc["ru.html"] and ko in by_loc["ko.html"] and fr in by_loc["fr.html"]
    details = dict(rej.filter(pl.col("reason") == "bad_encoding").select("locator", "detail").rows())
    assert "cp1251" in details["ru.html"] and "cp949" in details["ko.html"] and "cp1252" in details["fr.html"]


def test_missing_path_raises(tmp_path):
    with pytest.raises(InputError, match="does not exist: .*nowhere"):
        read_sources([tmp_path / "nowhere"])
    with pytest.raises(InputError, match="unknown format"):
        read_sources([tmp_path], format="docx")


def test_format_override(tmp_path):
    p = tmp_path / "export.dat"
    p.write_text(json.dumps({"text": "forced"}) + "\n")
    raw, rej = read_sources([p])
    assert raw.item(0, "text") == "forced"  # sniffed as JSON
    q = tmp_path / "story.dat"
    q.write_text("A plain text story.\n")
    raw, rej = read_sources([q])
    assert raw.height == 0 and rej.item(0, "reason") == "unknown_format"
    raw, rej = read_sources([q], format="txt")
    assert raw.item(0, "text") == "A plain text story.\n" and raw.item(0, "format") == "txt"


def test_progress_is_advanced_per_file(tmp_path):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"text {i}\n")

    class FakeProgress:
        def __init__(self):
            self.calls = []

        def add_task(self, description, total=None):
            self.calls.append(("add", total))
            return 1

        def update(self, task, advance=0, **kw):
            self.calls.append(("update", advance))

    prog = FakeProgress()
    read_sources([tmp_path], progress=prog)
    assert prog.calls == [("add", 3), ("update", 1), ("update", 1), ("update", 1)]


def test_big_jsonl_reads_natively_fast(tmp_path):
    import time

    body = "word " * 60
    n = 200_000
    p = tmp_path / "big.jsonl"
    with p.open("w") as f:
        for i in range(n):
            f.write(json.dumps({"id": str(i), "text": body, "url": f"https://b.example/{i}"}) + "\n")
    t = time.perf_counter()
    raw, rej = read_sources([p])
    elapsed = time.perf_counter() - t
    assert raw.height == n and rej.height == 0
    assert raw.item(n - 1, "locator") == f"line {n}"
    assert elapsed < 10, elapsed  # ~1 s on the reference machine: native reader, not per-line Python


# ------------------------------------------------------------------ fuzz


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".jsonl", ".html", ".csv", ".json"]))
def test_arbitrary_bytes_never_crash(tmp_path, data, suffix):
    p = tmp_path / f"fuzz{suffix}"
    p.write_bytes(data)
    try:
        raw, rej = read_sources([p])
    except InputError:
        return  # a whole-file refusal (e.g. no text column) is allowed, a crash is not
    arts, rej2, stats = extract(raw, config=Config())
    assert arts.height + rej2.filter(pl.col("reason") == "empty_text").height == raw.height


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(st.binary(max_size=80), st.text(max_size=80).map(lambda s: json.dumps({"text": s}).encode())), max_size=20))
def test_jsonl_of_mixed_garbage_never_crashes(tmp_path, lines):
    p = tmp_path / "mix.jsonl"
    p.write_bytes(b"\n".join(lines))
    try:
        raw, rej = read_sources([p])
    except InputError:
        return
    extract(raw, config=Config())


def test_table_without_text_in_a_folder_is_skipped_not_fatal(tmp_path):
    (tmp_path / "truth.csv").write_text("a,b,label\nx,y,1\n")
    (tmp_path / "feed.jsonl").write_text(json.dumps({"text": "kept"}) + "\n")
    raw, rej = read_sources([tmp_path])
    assert raw.get_column("text").to_list() == ["kept"]
    r = rej.filter(pl.col("reason") == "not_articles")
    assert r.height == 1 and r.item(0, "source").endswith("truth.csv") and "--map" in r.item(0, "detail")
    with pytest.raises(InputError):  # named directly, the same file is the user's whole input
        read_sources([tmp_path / "truth.csv"])


def test_big_parquet_streams_in_pieces_equal_to_one_read(tmp_path, monkeypatch):
    """Read in pieces, a Parquet file gives the same rows, numbering and notes as read whole."""
    import pyarrow.parquet as pq

    import provenance.ingest as ingest_mod
    from provenance.ingest import iter_sources
    from provenance.tools.synth import generate

    arts = generate(60, seed=3, mode="fast").articles.with_columns(pl.lit("x").alias("extra_col"))
    path = tmp_path / "corpus.parquet"
    pq.write_table(arts.to_arrow(), path, row_group_size=7)
    whole_raw, whole_rej = read_sources([path])
    monkeypatch.setattr(ingest_mod, "STREAM_BYTES", 0)
    pieces = list(iter_sources([path], batch_records=25))
    assert [p[0].height for p in pieces] == [25, 25, 10]
    assert pl.concat([p[0] for p in pieces]).equals(whole_raw)
    assert pl.concat([p[1] for p in pieces]).equals(whole_rej)
    assert whole_rej["reason"].to_list() == ["unknown_fields"]  # once, not once per piece
    assert whole_raw["locator"][-1] == "row 60"


def test_streamed_parquet_holds_one_row_group_not_the_file(tmp_path, monkeypatch):
    """What stays allocated while streaming does not grow with the part of the file already read."""
    import random

    import pyarrow as pa
    import pyarrow.parquet as pq

    import provenance.ingest as ingest_mod
    from provenance.ingest import iter_sources

    rng = random.Random(7)
    words = [f"w{i}x{rng.random():.6f}" for i in range(5000)]
    texts = [" ".join(rng.choices(words, k=300)) for _ in range(3000)]
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"id": [f"a{i}" for i in range(3000)], "text": texts}), path, row_group_size=100)
    monkeypatch.setattr(ingest_mod, "STREAM_BYTES", 0)
    base = pa.total_allocated_bytes()
    held = []
    for raw, _ in iter_sources([path], batch_records=100):
        held.append(pa.total_allocated_bytes() - base)
        del raw
    assert len(held) == 30
    # pyarrow's default pre-buffering holds every byte range it read (here the whole
    # file at once; a 10M-row file grew to its full 9.4 GB as it was read)
    assert max(held) < path.stat().st_size / 4


def _dirty_feed(n: int) -> bytes:
    """A JSON-lines feed with the dirt real dumps carry, spread through the file."""
    from provenance.tools.synth import generate

    lines = []
    for i, rec in enumerate(generate(n, seed=4, mode="fast").articles.to_dicts()):
        rec["crawl_note"] = "seen"  # an unknown field
        line = json.dumps(rec, ensure_ascii=False).encode("utf-8")
        if i % 17 == 5:
            line = line[: len(line) // 2]  # cut mid-record: malformed
        elif i % 23 == 7:
            line = json.dumps({**rec, "title": "Caf\u00e9 news"}).encode("utf-8").replace(b"\\u00e9", "\u00e9".encode("cp1252"))
        elif i % 29 == 3:
            line = b"[1, 2]"
        lines.append(line)
        if i % 11 == 0:
            lines.append(b"   ")
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("gz", [False, True])
def test_big_jsonl_streams_in_pieces_equal_to_one_read(tmp_path, monkeypatch, gz):
    """Read in pieces from disk, a dirty JSON-lines feed gives the rows, line numbers and rejects of one read."""
    import provenance.ingest as ingest_mod
    import provenance.ingest.jsonl as jsonl_mod
    from provenance.ingest import iter_sources

    data = _dirty_feed(120)
    path = tmp_path / ("feed.jsonl.gz" if gz else "feed.jsonl")
    path.write_bytes(gzip.compress(data) if gz else data)
    monkeypatch.setattr(jsonl_mod, "CHUNK_BYTES", 4096)  # many chunks, lines cut across reads
    whole_raw, whole_rej = read_sources([path])
    monkeypatch.setattr(ingest_mod, "STREAM_BYTES", 0)
    pieces = list(iter_sources([path], batch_records=25))
    assert len(pieces) >= 4
    assert all(p[0].height < 25 + 40 for p in pieces)  # a piece is about batch_records, not the file
    assert pl.concat([p[0] for p in pieces]).equals(whole_raw)
    assert pl.concat([p[1] for p in pieces]).equals(whole_rej)
    reasons = set(whole_rej["reason"])
    assert {"malformed_json", "bad_encoding", "non_object_json", "unknown_fields"} <= reasons
    assert whole_rej.filter(pl.col("reason") == "unknown_fields").height == 1
    last = max(i for i, ln in enumerate(data.split(b"\n"), 1) if ln.startswith(b"{") and ln.endswith(b"}"))
    assert whole_raw["locator"][-1] == f"line {last}"


def test_jsonl_that_cannot_stream_is_read_whole(tmp_path, monkeypatch):
    """A JSON array or a UTF-16 file has no line boundaries to cut at: one piece, same result."""
    import provenance.ingest as ingest_mod
    from provenance.ingest import iter_sources

    items = [{"id": f"a{i}", "text": f"story number {i} about the harbour"} for i in range(30)]
    (tmp_path / "array.json").write_text(json.dumps(items), encoding="utf-8")
    (tmp_path / "utf16.jsonl").write_bytes(_jl(*items).decode("latin-1").encode("utf-16"))
    whole = read_sources([tmp_path])
    monkeypatch.setattr(ingest_mod, "STREAM_BYTES", 0)
    raw = pl.concat([r for r, _ in iter_sources([tmp_path], batch_records=1000)])
    assert raw.equals(whole[0]) and raw.height == 60


def test_truncated_gzip_feed_keeps_what_was_read(tmp_path, monkeypatch):
    """A gzip feed cut short mid-stream: the records before the break are read, and the break is named."""
    import provenance.ingest as ingest_mod
    import provenance.ingest.jsonl as jsonl_mod
    from provenance.ingest import iter_sources

    items = [{"id": f"a{i}", "text": f"story number {i} " + "word " * 200} for i in range(400)]
    blob = gzip.compress(_jl(*items))
    (tmp_path / "cut.jsonl.gz").write_bytes(blob[: len(blob) * 2 // 3])
    monkeypatch.setattr(jsonl_mod, "CHUNK_BYTES", 8192)
    monkeypatch.setattr(ingest_mod, "STREAM_BYTES", 0)
    pieces = list(iter_sources([tmp_path / "cut.jsonl.gz"], batch_records=50))
    raw = pl.concat([r for r, _ in pieces])
    rej = pl.concat([j for _, j in pieces])
    assert 0 < raw.height < 400
    assert raw["id"].to_list() == [f"a{i}" for i in range(raw.height)]
    assert rej["reason"].to_list() == ["corrupt_file"] and "kept" in rej.item(0, "detail")


def test_pieces_keep_data_rows_before_pages(tmp_path, monkeypatch):
    """Pieces follow read_sources' order: every data row, then the pages."""
    from provenance.ingest import iter_sources

    (tmp_path / "a.jsonl").write_bytes(_jl(*({"id": f"a{i}", "text": f"story number {i}"} for i in range(4))))
    (tmp_path / "b.jsonl").write_bytes(_jl(*({"id": f"b{i}", "text": f"story number {i}"} for i in range(4))))
    (tmp_path / "page.txt").write_text("A title\n\nA page body of some words.\n", encoding="utf-8")
    whole, _ = read_sources([tmp_path])
    pieces = [raw for raw, _ in iter_sources([tmp_path], batch_records=3)]
    assert len(pieces) > 1
    assert pl.concat(pieces).equals(whole)
    assert pieces[-1]["format"].to_list()[-1] == "txt"


def test_html_without_url_takes_its_site_from_its_own_feed_link(tmp_path):
    """Pages saved without their URL (no canonical, no og:url) still get their site, so they learn its chrome."""
    feed = '<link rel="alternate" type="application/rss+xml" title="Posts" href="http://www.harbourblog.example/feed.xml">'
    relayed = '<link rel="alternate" type="application/atom+xml" href="https://feeds.feedburner.com/otherblog">'
    (tmp_path / "own.html").write_text(f"<html><head>{feed}</head><body><p>One post.</p></body></html>")
    (tmp_path / "relayed.html").write_text(f"<html><head>{relayed}</head><body><p>Another post.</p></body></html>")
    raw, _ = read_sources([tmp_path])
    by_loc = {r["locator"]: r for r in raw.iter_rows(named=True)}
    assert by_loc["own.html"]["outlet"] == "harbourblog.example" and by_loc["own.html"]["url"] is None
    assert by_loc["relayed.html"]["outlet"] is None  # a feed service names no site


def test_a_syndicated_copy_whose_canonical_link_names_the_original_keeps_its_own_site(tmp_path):
    """A copy points its canonical link at the original site; its og:url, when it names another site, is its own."""
    def page(canonical: str, og: str) -> str:
        return (f'<html><head><link rel="canonical" href="{canonical}"><meta property="og:url" content="{og}">'
                "</head><body><p>The harbour board approved the new ferry timetable on Monday.</p></body></html>")
    (tmp_path / "copy.html").write_text(page("https://www.origin-desk.example/story/9",
                                             "https://www.carrier-daily.example/wire/9"))
    (tmp_path / "sub.html").write_text(page("https://harbour.example/a", "https://social.harbour.example/a"))
    (tmp_path / "ip.html").write_text(page("https://harbour.example/b", "http://52.16.95.170/b"))
    raw, _ = read_sources([tmp_path])
    got = {r["locator"]: (r["url"], r["outlet"]) for r in raw.iter_rows(named=True)}
    assert got["copy.html"] == ("https://www.carrier-daily.example/wire/9", "carrier-daily.example")
    assert got["sub.html"] == ("https://harbour.example/a", "harbour.example")  # one site: the canonical link
    assert got["ip.html"] == ("https://harbour.example/b", "harbour.example")


def test_a_page_read_again_from_the_same_file_is_present_though_its_url_as_read_changed(tmp_path):
    """When the rule reading a page's URL changes (as above), re-reading the folder must not store it twice."""
    from provenance.engine.pipeline import ingest
    from provenance.store import Store

    body = "<p>" + "The harbour board approved the new ferry timetable after a long debate on Monday. " * 8 + "</p>"
    page = tmp_path / "pages" / "p.html"
    page.parent.mkdir()
    page.write_text(f'<html><head><link rel="canonical" href="https://a.example/1"></head><body>{body}</body></html>')
    store = Store(tmp_path / "s.duckdb")
    assert ingest([page.parent], store=store).added == 1
    page.write_text(f'<html><head><link rel="canonical" href="https://b.example/1"></head><body>{body}</body></html>')
    assert ingest([page.parent], store=store).added == 0
    assert store.query("SELECT count(*) AS n FROM articles")["n"][0] == 1


def test_a_flat_folder_of_pages_keeps_every_sites_unchanged_copy(tmp_path) -> None:
    """Scraped pages with no URL and no outlet folder: identical agency copies from several sites are
    several articles (the mission's case), and ingesting the folder again adds nothing."""
    from provenance.engine.pipeline import ingest
    from provenance.store import Store
    from tests.test_lineage import TITLE, WIRE_TEXT

    pages = tmp_path / "pages"
    pages.mkdir()
    menus = (["City", "Epaper"], ["Home", "News"], ["Menu", "Search"], ["Home", "World"])
    for i, menu in enumerate(menus):
        lines = [*menu, "", TITLE, "", "By IANS | Updated: March 4, 2025 10:15 IST", "", WIRE_TEXT, "", "Related Stories"]
        (pages / f"{i:03d}_page.txt").write_text("\n".join(lines), encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    first = ingest([pages], store=store)
    arts = store.query("SELECT article_id, text FROM articles")
    assert arts.height == len(menus) and arts["text"].n_unique() == 1
    assert store.query("SELECT count(DISTINCT cluster_id) AS n FROM clusters")["n"][0] == 1
    again = ingest([pages], store=store)
    assert store.query("SELECT count(*) AS n FROM articles")["n"][0] == len(menus)
    assert first.added == len(menus) and again.added == 0


@pytest.mark.parametrize(("a", "b", "same"), [
    ("money.udn.com", "udn.com", True), ("amp.harbour.example", "harbour.example", True),
    ("pinup-fashion.de", "pinup-fashion.com", True), ("bbc.co.uk", "bbc.com", True),
    ("seglerblog.stössenseer.de", "seglerblog.xn--stssenseer-fcb.de", True),
    ("ksta.de", "rundschau-online.de", False), ("msn.com", "theguardian.com", False), ("x.example", None, False),
    # registered under a country's second level: one set of such labels for sites and for outlets' chrome
    ("salud.gob.mx", "sep.gob.mx", False), ("www.mhlw.go.jp", "mhlw.go.jp", True), ("a.ltd.uk", "b.ltd.uk", False),
])
def test_same_site(a, b, same) -> None:
    from provenance.ingest.pages import same_site

    assert same_site(a, b) is same


def test_a_zip_reads_as_the_folder_it_packs(tmp_path):
    """Datasets come zipped (one JSON file per article, or a folder of pages): a zip is read as its folder."""
    import zipfile

    from provenance.engine.pipeline import ingest
    from provenance.store import Store

    sample = FIXTURES.parent.parent / "data" / "sample"
    packed = tmp_path / "sample.zip"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(sample.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(sample).as_posix())
        zf.writestr("__MACOSX/._feed.jsonl", b"\x00\x05\x16\x07")  # what macOS adds: passed over
        zf.writestr("more/inner.zip", b"PK\x03\x04")
    stores = {}
    for name, src in (("folder", sample), ("zip", packed)):
        stores[name] = Store(tmp_path / f"{name}.duckdb")
        ingest([src], store=stores[name])
    cols = "article_id, outlet, url, title, byline, published_at, text"
    folder, zipped = (stores[n].query(f"SELECT {cols} FROM articles ORDER BY article_id") for n in ("folder", "zip"))
    assert zipped.height == folder.height > 200 and zipped.equals(folder)
    reasons = dict(stores["zip"].query("SELECT reason, count(*) AS n FROM rejects GROUP BY reason").rows())
    assert reasons["nested_archive"] == 1 and reasons["not_articles"] == 1  # truth.csv, as in the folder
    assert ingest([packed], store=stores["zip"]).added == 0


def test_a_broken_zip_is_a_clear_reject(tmp_path):
    (tmp_path / "cut.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    raw, rej = read_sources([tmp_path])
    assert raw.height == 0 and rej.select("reason").to_series().to_list() == ["corrupt_file"]
    assert "not a readable zip file" in rej.item(0, "detail")
