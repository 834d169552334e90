"""Web archives (WARC/ARC): a crawl of the sample's own HTML pages ingests as the folder of those pages does."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from provenance.engine.pipeline import ingest
from provenance.ingest import iter_sources, read_sources
from provenance.ingest import warc as warc_mod
from provenance.store import Store

SAMPLE_HTML = Path(__file__).resolve().parents[1] / "data" / "sample" / "html"
_CANONICAL = re.compile(rb'<link rel="canonical" href="([^"]+)"')


def _response(w: WARCWriter, url: str, body: bytes, ctype: str = "text/html; charset=utf-8",
              status: str = "200 OK") -> None:
    hh = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))


def _sample_pages() -> list[tuple[str, bytes]]:
    """(URL the page was fetched from, its bytes) for every sample HTML page: the canonical URL, else one
    made from its folder and name."""
    out = []
    for f in sorted(SAMPLE_HTML.rglob("*.html")):
        body = f.read_bytes()
        m = _CANONICAL.search(body)
        out.append((m.group(1).decode() if m else f"https://{f.parent.name}/{f.stem}", body))
    return out


def _crawl(path: Path, pages: list[tuple[str, bytes]], *, gz: bool = True) -> None:
    """A crawl as Heritrix writes one: warcinfo, then per page its request, its response, an image and a
    redirect; a later revisit of the first page."""
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test crawler"}))
        for url, body in pages:
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req))
            _response(w, url, body)
            _response(w, url + "/lead.jpg", b"\xff\xd8\xff\xe0" + bytes(300), ctype="image/jpeg")
            _response(w, url + "?amp=1", b"", ctype="text/html", status="301 Moved Permanently")
        revisit = w.create_revisit_record(pages[0][0], digest="sha1:AAAA", refers_to_uri=pages[0][0],
                                          refers_to_date="2024-10-16T00:00:00Z")
        w.write_record(revisit)


def _articles(store_path: Path) -> pl.DataFrame:
    con = duckdb.connect(str(store_path), read_only=True)
    try:
        cur = con.execute("select article_id, outlet, url, title, byline, published_at, text from articles "
                          "order by article_id")
        cols = [d[0] for d in cur.description]
        return pl.DataFrame(cur.fetchall(), schema=cols, orient="row")
    finally:
        con.close()


def test_a_crawl_ingests_as_the_folder_of_its_pages(tmp_path: Path) -> None:
    pages = _sample_pages()
    archive = tmp_path / "crawl-00001.warc.gz"
    _crawl(archive, pages)
    folder_store, warc_store = tmp_path / "folder.duckdb", tmp_path / "warc.duckdb"
    ingest([SAMPLE_HTML], store=Store(folder_store))
    report = ingest([archive], store=Store(warc_store))
    assert report.added == len(pages)
    assert _articles(warc_store).equals(_articles(folder_store))  # same ids, outlets, dates, bylines, texts
    con = duckdb.connect(str(warc_store), read_only=True)
    rejects = dict(con.execute("select reason, string_agg(detail, ' | ') from rejects group by reason").fetchall())
    con.close()
    n = len(pages)
    assert rejects["warc_records"] == (
        f"captures that are not HTML pages: {n} (image/jpeg {n}) | responses other than 200 OK: {n} (301: {n}) | "
        "revisit records: 1 (a later capture found the page unchanged; its first capture is read)"
    )
    assert ingest([archive], store=Store(warc_store)).added == 0  # re-reading the crawl adds nothing


def test_outlet_and_url_are_those_fetched_not_the_canonical_link(tmp_path: Path) -> None:
    # A syndicated copy points its canonical link at the original; the crawl knows where it was published.
    url, body = _sample_pages()[0]
    copy = body.replace(_CANONICAL.search(body).group(1), b"https://original-desk.example/story/1")
    archive = tmp_path / "c.warc"
    with open(archive, "wb") as fh:
        _response(WARCWriter(fh, gzip=False), "https://www.carrier-daily.example/wire/77", copy)
    raw, _ = read_sources([archive])
    assert raw.select("url", "outlet", "source", "locator", "format").row(0) == (
        "https://www.carrier-daily.example/wire/77", "carrier-daily.example", str(archive), "@0", "html")
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "p.html").write_bytes(copy)
    assert read_sources([folder])[0].item(0, "outlet") == "original-desk.example"  # all a lone file can say


def test_the_servers_charset_decodes_a_page_that_declares_none(tmp_path: Path) -> None:
    text = "Городской совет утвердил бюджет на следующий год. Депутаты обсуждали расходы на ремонт дорог."
    body = f"<html><body><p>{text}</p></body></html>".encode("koi8-r")
    archive = tmp_path / "ru.warc.gz"
    with open(archive, "wb") as fh:
        _response(WARCWriter(fh, gzip=True), "https://gazeta.example/1", body, ctype="text/html; charset=KOI8-R")
    raw, rej = read_sources([archive])
    assert text in raw.item(0, "html")
    assert rej.filter(pl.col("reason") == "bad_encoding").is_empty()  # the server said so: not a repair


def test_a_crawl_cut_short_keeps_the_pages_before_the_cut(tmp_path: Path) -> None:
    pages = _sample_pages()[:6]
    whole = tmp_path / "whole.warc.gz"
    _crawl(whole, pages)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    raw, rej = read_sources([cut])
    assert 0 < raw.height < len(pages)
    assert raw["url"].to_list() == [u for u, _ in pages[: raw.height]]
    broken = rej.filter(pl.col("reason") == "corrupt_file")
    assert broken.height == 1 and "the pages before it were kept" in broken.item(0, "detail")
    store = tmp_path / "s.duckdb"
    ingest([cut], store=Store(store))
    assert _articles(store).height == raw.height


def test_an_archive_streams_in_pieces_and_is_found_without_its_extension(tmp_path: Path) -> None:
    pages = _sample_pages()[:10]
    _crawl(tmp_path / "a.warc", pages, gz=False)
    (tmp_path / "b-nameless").write_bytes(gzip.compress((tmp_path / "a.warc").read_bytes()))
    whole, whole_rej = read_sources([tmp_path / "a.warc"])
    pieces = list(iter_sources([tmp_path / "a.warc"], batch_records=3))
    assert [r.height for r, _ in pieces] == [3, 3, 3, 1]
    assert pl.concat([r for r, _ in pieces]).equals(whole)
    assert pl.concat([j for _, j in pieces]).equals(whole_rej)
    nameless, _ = read_sources([tmp_path / "b-nameless"])
    assert nameless.drop("source").equals(whole.drop("source"))
    assert list(iter_sources([tmp_path / "b-nameless"], batch_records=4))[0][0].height == 4  # streamed too


def test_an_oversized_payload_is_counted_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warc_mod, "MAX_PAGE_BYTES", 1000)
    archive = tmp_path / "big.warc"
    with open(archive, "wb") as fh:
        w = WARCWriter(fh, gzip=False)
        _response(w, "https://x.example/small", b"<html><body><p>short page</p></body></html>")
        _response(w, "https://x.example/huge", b"<html><body>" + b"<p>filler</p>" * 500 + b"</body></html>")
    raw, rej = read_sources([archive])
    assert raw["url"].to_list() == ["https://x.example/small"]
    assert rej.select("reason", "detail").rows() == [("warc_records", "HTML payloads over 1,000 bytes: 1")]


def test_a_syndicated_copy_in_a_crawl_credits_the_original_its_canonical_link_names(tmp_path: Path) -> None:
    body = "".join(f"<p>{s}</p>" for s in (
        "The harbour board of Port Calder approved a new ferry timetable on Monday after a long debate.",
        "Under the plan the first crossing to the outer islands leaves at half past five, an hour earlier.",
        "Board members said the change answered years of complaints from fishermen and nurses at dawn.",
        "The island council welcomed the decision but asked for a second evening boat on summer Fridays.",
        "A spokeswoman for the ferry company said new crews would be hired before the timetable starts."))

    def page(canonical: str, when: str) -> bytes:
        return (f'<html><head><title>Ferry timetable approved</title><link rel="canonical" href="{canonical}">'
                f'<meta property="article:published_time" content="{when}"></head>'
                f"<body><article>{body}</article></body></html>").encode()

    original = "https://www.origin-desk.example/story/1"
    archive = tmp_path / "crawl.warc.gz"
    with open(archive, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        _response(w, original, page(original, "2024-10-16T08:00:00+00:00"))
        _response(w, "https://www.carrier-daily.example/wire/1?utm_source=feed", page(original, "2024-10-16T09:30:00+00:00"))
        _response(w, "https://news.third-site.example/a/1", page("https://news.third-site.example/a/1",
                                                                   "2024-10-16T10:00:00+00:00"))
    store = Store(tmp_path / "s.duckdb")
    ingest([archive], store=store)
    ids = dict(store.query("SELECT outlet, article_id FROM articles").rows())
    assert store.query("SELECT article_id, source, kind, role, field FROM credits").rows() == [
        (ids["carrier-daily.example"], "origin-desk.example", "outlet", "republished", "canonical_url")]
    lin = {r[0]: r[1:] for r in store.query("SELECT article_id, parent_id, credited FROM lineage").rows()}
    assert lin[ids["carrier-daily.example"]] == (ids["origin-desk.example"], "credits_origin")
    assert lin[ids["news.third-site.example"]] == (ids["origin-desk.example"], "uncredited")
    assert lin[ids["origin-desk.example"]][0] is None


def test_a_feed_record_with_a_url_and_html_credits_the_site_its_canonical_link_names(tmp_path: Path) -> None:
    """Scraped datasets keep the page's HTML beside its URL: the canonical link is read there too."""
    import json

    url, body = _sample_pages()[0]
    copy = body.replace(_CANONICAL.search(body).group(1), b"https://www.cnn.com/2024/10/16/harbour/index.html")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"url": "https://www.msn.com/en-us/news/ar-AA1", "html": copy.decode()}) + "\n"
                    + json.dumps({"html": copy.decode().replace('<link rel="canonical"', '<meta property="og:url" '
                                  'content="https://aggregator.example/p/2"><link rel="canonical"')}) + "\n")
    store = Store(tmp_path / "s.duckdb")
    ingest([feed], store=store)
    arts = store.query("SELECT url, canonical_url, outlet FROM articles ORDER BY doc").rows()
    assert arts == [("https://www.msn.com/en-us/news/ar-AA1", "https://www.cnn.com/2024/10/16/harbour/index.html", "msn.com"),
                    ("https://aggregator.example/p/2", "https://www.cnn.com/2024/10/16/harbour/index.html",
                     "aggregator.example")]
    assert store.query("SELECT source, kind, role FROM credits WHERE field = 'canonical_url'").rows() == [
        ("cnn.com", "outlet", "republished")] * 2


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_page_the_server_sent_compressed_is_read_decoded(tmp_path: Path, encoding: str) -> None:
    import brotlicffi

    text = "The harbour board approved the new ferry timetable on Monday after a long debate."
    body = f"<html><body><p>{text}</p><p>{text}</p></body></html>".encode()
    packed = gzip.compress(body) if encoding == "gzip" else brotlicffi.compress(body)
    archive = tmp_path / "c.warc"
    with open(archive, "wb") as fh:
        w = WARCWriter(fh, gzip=False)
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", encoding)],
                              protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://x.example/1", "response", payload=io.BytesIO(packed),
                                            http_headers=hh))
    raw, rej = read_sources([archive])
    assert text in raw.item(0, "html") and rej.is_empty()
