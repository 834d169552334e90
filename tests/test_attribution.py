"""Agency registry and credit detection (all texts here are invented)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from provenance import schemas
from provenance.trace.attribution import GENERIC_FEED, credits, find_credits, load_registry

REG = load_registry()

# (line, {(source, role), ...}) -- the exact set of credits expected in the line.
CASES: list[tuple[str, set[tuple[str, str]]]] = [
    # --- bylines and slugs -------------------------------------------------
    ("By IANS | Updated: March 3, 2025 11:20 IST", {("IANS", "byline")}),
    ("IANS | Updated: March 3, 2025 11:20 IST", {("IANS", "byline")}),
    ("By PTI", {("PTI", "byline")}),
    ("By Meera Nair, PTI", {("PTI", "byline")}),
    ("By Reuters staff", {("Reuters", "byline")}),
    ("By The Associated Press", {("AP", "byline")}),
    ("By PA Media", {("PA", "byline")}),
    ("PA News Agency", {("PA", "byline")}),
    ("AFP", {("AFP", "byline")}),
    ("The storage depot will reopen on Friday. (IANS)", {("IANS", "byline")}),
    ("Officials expect rain by the weekend. (PTI)", {("PTI", "byline")}),
    ("The market closed higher. — PTI", {("PTI", "byline")}),
    ("The ferry resumed service. --IANS", {("IANS", "byline")}),
    ("Source: ANI", {("ANI", "byline")}),
    ("Sources: PTI, ANI", {("PTI", "byline"), ("ANI", "byline")}),
    ("(With inputs from PTI)", {("PTI", "inputs")}),
    ("With inputs from PTI and ANI", {("PTI", "inputs"), ("ANI", "inputs")}),
    ("Quelle: dpa", {("dpa", "byline")}),
    ("Fuente: EFE", {("EFE", "byline")}),
    ("The council adjourned. (AP)", {("AP", "byline")}),
    ("The vote is set for June. — PA", {("PA", "byline")}),
    # --- copyright and distribution lines ---------------------------------
    ("© 2012 The Associated Press. All rights reserved.", {("AP", "copyright")}),
    ("Copyright 2024 Reuters. All rights reserved.", {("Reuters", "copyright")}),
    ("Copyright Reuters", {("Reuters", "copyright")}),
    ("(c) AFP", {("AFP", "copyright")}),
    ("Copyright (c) 2023-2024 Yonhap News Agency", {("Yonhap", "copyright")}),
    ("Distributed by Reuters", {("Reuters", "copyright")}),
    ("Photo: © AFP", set()),  # a picture's credit, not the text's
    ("Photo credit: Copyright Reuters", set()),
    ("© dpa | Kay Brandt", set()),  # under a caption: the photographer's agency and name
    ("© dpa | All Rights Reserved", {("dpa", "copyright")}),
    # --- datelines ---------------------------------------------------------
    ("SEOUL, Oct 16 (Yonhap) -- The weather agency issued a cold wave alert.", {("Yonhap", "dateline")}),
    ("LONDON (Reuters) - Grain prices rose on Tuesday.", {("Reuters", "dateline")}),
    ("(Reuters) - Grain prices rose on Tuesday.", {("Reuters", "dateline")}),
    ("Mumbai, Jan 9 (IANS) The civic body approved the budget.", {("IANS", "dateline")}),
    ("WASHINGTON (AP) — Lawmakers met late into the night.", {("AP", "dateline")}),
    ("BEIJING, May 2 (Xinhua) -- A new rail line opened.", {("Xinhua", "dateline")}),
    ("PARIS, 4 mars (AFP) - Le gouvernement a annoncé un plan.", {("AFP", "dateline")}),
    ("MADRID, 16 oct (EFE).- El Gobierno aprobó la medida.", {("EFE", "dateline")}),
    ("BERLIN (dpa) - Die Regierung hat entschieden.", {("dpa", "dateline")}),
    ("नई दिल्ली, 12 मार्च (भाषा) सरकार ने नई योजना की घोषणा की।", {("PTI", "dateline")}),
    ("लखनऊ, 5 जून (आईएएनएस) राज्य में बारिश हुई।", {("IANS", "dateline")}),
    ("新华社北京3月5日电 会议在北京开幕。", {("Xinhua", "dateline")}),
    ("Москва, 16 октября. /ТАСС/. Совет принял решение.", {("TASS", "dateline")}),
    ("TOKYO (Kyodo) -- The central bank held rates.", {("Kyodo", "dateline")}),
    ("KUALA LUMPUR, Feb 2 (Bernama) -- Ministers met today.", {("Bernama", "dateline")}),
    # --- citations ---------------------------------------------------------
    (
        "The plant will close, Yonhap news agency reported quoting regional newspapers.",
        {("Yonhap", "cited"), ("regional newspapers", "cited")},
    ),
    ("The toll rose to 12, according to Xinhua.", {("Xinhua", "cited")}),
    ("The minister told Reuters the deal was close.", {("Reuters", "cited")}),
    ("A company spokesman told AP that the recall was voluntary.", {("AP", "cited")}),
    ("Xinhua, citing local authorities, said the bridge was closed.", {("Xinhua", "cited"), ("local authorities", "cited")}),
    ("The army said so, Kyodo News reported.", {("Kyodo", "cited")}),
    ("据新华社报道，大桥已经通车。", {("Xinhua", "cited")}),
    ("연합뉴스에 따르면 회의는 내일 열린다.", {("Yonhap", "cited")}),
    ("共同通信によると、会談は延期された。", {("Kyodo", "cited")}),
    ("Selon l'AFP, le sommet est reporté.", {("AFP", "cited")}),
    ("Según EFE, la reunión fue cancelada.", {("EFE", "cited")}),
    ("Das Treffen wurde abgesagt, berichtete die Deutsche Presse-Agentur.", {("dpa", "cited")}),
    ("Встреча отменена, сообщает ТАСС.", {("TASS", "cited")}),
    ("The quake damaged roads, Anadolu Agency reported citing AFAD.", {("Anadolu", "cited"), ("AFAD", "cited")}),
    ("The ship docked, RIA Novosti reported, citing TASS.", {("RIA Novosti", "cited"), ("TASS", "cited")}),
    ("By Tuesday, Reuters reported, the talks had stalled.", {("Reuters", "cited")}),
    ('Reuters: "The harbour talks have stalled"', {("Reuters", "cited")}),  # what it reported, not a byline
    ("Reuters: The harbour talks have stalled, officials said.", {("Reuters", "byline")}),
    # --- negatives ---------------------------------------------------------
    ("The PA system failed before the concert began.", set()),
    ("APPLE shares rose while the CAP on fees was lowered.", set()),
    ("Ani Verma, a teacher, said the school reopened.", set()),
    ("RANI and ANIL attended the ceremony.", set()),
    ("Photo: AFP", set()),
    ("(AP Photo/Lee Min-ji)", set()),
    ("REUTERS/Staff photographer", set()),
    ("The Sputnik satellite anniversary drew crowds.", set()),
    ("Tourists visited Petra and the Dead Sea.", set()),
    ("In Andhra Pradesh (AP) the chief minister inaugurated a dam.", set()),
    ("Thomson Reuters shares fell 2 percent in early trading.", set()),
    ("The reporters met the SPA staff at the hotel spa.", set()),
    ("She ordered a TT, a CP and an APP for her phone.", set()),
    ("The language (भाषा) of the bill was simplified.", set()),
    # a party after a politician's name, not a Prensa Latina or PA sign-off
    ("The vote was called by the deputy Marta Quintal (PL).", set()),
    ("The bill was tabled by Harold Penn (PA).", set()),
    ("The vote was called by the deputy. (PL)", {("Prensa Latina", "byline")}),
    # --- services and agencies added in the tenth session ------------------
    ("NEW YORK (Bloomberg) -- Copper rose for a third day.", {("Bloomberg", "dateline")}),
    ("Copper rose for a third day, Bloomberg News reported.", {("Bloomberg", "cited")}),
    ("The fund is closing, according to Bloomberg.", {("Bloomberg", "cited")}),
    ("TEHRAN, May 3 (Tasnim) - The ministry named a new envoy.", {("Tasnim", "dateline")}),
    ("The envoy arrived, the Mehr news agency reported.", {("Mehr News", "cited")}),
    ("VILNIUS, May 3 (BNS) - The ministry borrowed 30 million euros.", {("BNS", "dateline")}),
    ("ATHENS (ANA-MPA) - The port reopened.", {("ANA-MPA", "dateline")}),
    ("La reunión se aplazó, según el comunicado recogido por BelTA.", {("BelTA", "cited")}),
    # a person speaks; an agency reports: "said" after an ambiguous name that is not all capitals
    ("Michael Bloomberg said he would fund the campaign.", set()),
    ("Bloomberg said on Monday that the fund would close.", set()),
    ("Petra said she would come back in June.", set()),
    # a reporter whose first name is an ambiguous alias
    ("By Tasnim Rahman", set()),
    ("By Petra Lindqvist", set()),
    # ordinary words and owners that are no credit
    ("Mehr", set()),
    ("MAP", set()),
    ("Shares beat the Dow Jones Industrial Average.", set()),
    ("Copyright ©2019 Dow Jones & Company, Inc. All Rights Reserved.", set()),
]


def _got(line: str) -> set[tuple[str, str]]:
    return {(c.source, c.role) for c in find_credits(line, field="text", registry=REG)}


def test_enough_cases() -> None:
    assert len(CASES) >= 40
    assert sum(1 for _, exp in CASES if not exp) >= 10


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_credit_lines(line: str, expected: set[tuple[str, str]]) -> None:
    assert _got(line) == expected


@pytest.mark.parametrize(("line", "_"), [c for c in CASES if c[1]], ids=[c[0][:40] for c in CASES if c[1]])
def test_spans_point_at_the_credit(line: str, _: object) -> None:
    for c in find_credits(line, field="text", registry=REG):
        assert 0 <= c.span_start < c.span_end <= len(line)
        assert line[c.span_start : c.span_end] == c.span_text
        # The span names the source (as an alias, for agencies).
        if c.kind == "external":
            assert c.span_text == c.source
        else:
            assert REG.pattern.search(c.span_text), (c, line)


def test_cited_via_points_at_the_citing_agency() -> None:
    cs = find_credits(
        "The battalion is forming, Yonhap news agency reported quoting Ukrainian media outlets.",
        field="text",
        registry=REG,
    )
    ext = [c for c in cs if c.kind == "external"]
    assert [(c.source, c.cited_via) for c in ext] == [("Ukrainian media outlets", "Yonhap")]
    ag = [c for c in cs if c.kind == "agency"]
    assert [(c.source, c.cited_via) for c in ag] == [("Yonhap", None)]
    # Upstream that is itself an agency keeps kind agency.
    cs = find_credits("The ship docked, RIA Novosti reported, citing TASS.", field="text", registry=REG)
    assert {(c.source, c.kind, c.cited_via) for c in cs} == {
        ("RIA Novosti", "agency", None),
        ("TASS", "agency", "RIA Novosti"),
    }


# A page shaped like an auto-published agency copy on an Indian news site:
# site chrome, a "By AGENCY | Updated" slug, a dateline with the agency slug
# removed, a citation of an upstream agency quoting its own source, and the
# auto-publication disclaimer. The story is invented.
FIXTURE_PAGE = """Home
Epaper

Port city braces for cyclone as fishermen told to return

By IANS | Updated: July 2, 2025 09:10 IST

Busan, July 2 Authorities in the southern port city ordered fishing boats back to harbour on Wednesday ...

Open in App

Busan, July 2 Authorities in the southern port city ordered fishing boats back to harbour on Wednesday as a tropical storm gathered strength offshore.

The storm could bring up to 300 millimetres of rain over two days, Yonhap news agency reported quoting regional weather officials.

"We ask all residents near the coast to prepare," a city official said.

Disclaimer: This post has been auto-published from an agency feed without any modifications to the text and has not been reviewed by an editor

Related Stories
"""


def _fixture_articles() -> pl.DataFrame:
    body_start = FIXTURE_PAGE.index("Busan, July 2 Authorities in the southern port city ordered fishing boats back to harbour on Wednesday as")
    text = FIXTURE_PAGE[body_start : FIXTURE_PAGE.index("Disclaimer")].strip()
    return schemas.conform(
        pl.DataFrame(
            {
                "article_id": ["page1", "plain"],
                "title": ["Port city braces for cyclone", "Local fair opens"],
                "byline": [None, "Staff Reporter"],
                "text": [text, "The annual fair opened on Sunday with 200 stalls and a PA system."],
                "raw_text": [FIXTURE_PAGE, None],
            }
        ),
        schemas.ARTICLES,
    )


def test_fixture_page_credits() -> None:
    cr = credits(_fixture_articles(), registry=REG)
    assert cr.schema == schemas.CREDITS
    page = cr.filter(pl.col("article_id") == "page1")
    got = {(r["source"], r["kind"], r["role"], r["cited_via"]) for r in page.iter_rows(named=True)}
    assert got == {
        ("IANS", "agency", "byline", None),
        ("Yonhap", "agency", "cited", None),
        ("regional weather officials", "external", "cited", "Yonhap"),
        ("IANS", "agency", "disclaimer", None),
    }
    for r in page.iter_rows(named=True):
        assert r["field"] == "raw_text"
        assert FIXTURE_PAGE[r["span_start"] : r["span_end"]] == r["span_text"]
    disc = page.filter(pl.col("role") == "disclaimer").row(0, named=True)
    assert disc["span_text"].startswith("Disclaimer: This post has been auto-published")
    # The unrelated article yields nothing (its "PA system" is no credit).
    assert cr.filter(pl.col("article_id") == "plain").is_empty()


def test_byline_field_and_generic_disclaimer() -> None:
    arts = schemas.conform(
        pl.DataFrame(
            {
                "article_id": ["x", "y"],
                "byline": ["Press Trust of India", None],
                "text": [
                    "The bridge opened on Monday after two years of work.",
                    "The bridge opened.\nThis story has been published from a wire agency feed without modifications to the text.",
                ],
            }
        ),
        schemas.ARTICLES,
    )
    cr = credits(arts, registry=REG)
    x = cr.filter(pl.col("article_id") == "x").row(0, named=True)
    assert (x["source"], x["role"], x["field"], x["span_text"]) == ("PTI", "byline", "byline", "Press Trust of India")
    y = cr.filter(pl.col("article_id") == "y").row(0, named=True)
    assert (y["source"], y["kind"], y["role"], y["field"]) == (GENERIC_FEED, "external", "disclaimer", "text")


def test_an_ambiguous_alias_in_a_byline_that_is_part_of_a_name_is_no_credit() -> None:
    # Real bylines: a blogger called Petra (Jordan's agency is Petra), a portal "NAME PL" (Prensa
    # Latina's alias is PL). Alone or after a byline cue the alias still credits the agency.
    def got(byline: str) -> set[tuple[str, str]]:
        return {(c.source, c.role) for c in find_credits(byline, field="byline", registry=REG, byline_field=True)}

    assert got("Show all posts by Petra Lindqvist") == set()
    assert got("Alle Beiträge von Petra Lindqvist") == set()
    assert got("HARBOURNET PL") == set()
    assert got("Petra") == {("Petra", "byline")}
    assert got("By PA Staff") == {("PA", "byline")}
    assert got("Meera Nair, PA") == {("PA", "byline")}
    assert got("PL") == {("Prensa Latina", "byline")}
    assert got("DANA WELLS; AP National Political Writer") == {("AP", "byline")}  # a job title follows
    assert got("Ilse Brandt Sputnik International") == {("Sputnik", "byline")}  # the agency's own brand


def test_empty_input_has_schema() -> None:
    out = credits(schemas.empty(schemas.ARTICLES), registry=REG)
    assert out.schema == schemas.CREDITS and out.is_empty()


def test_registry_covers_required_agencies() -> None:
    required = ["IANS", "PTI", "ANI", "UNI", "Yonhap", "Xinhua", "Kyodo", "Jiji", "AFP", "AP", "Reuters", "dpa", "EFE", "ANSA", "TASS", "Sputnik", "Bernama", "Antara", "WAM", "APP", "BSS", "KCNA", "PA", "Anadolu", "IRNA", "Interfax", "Ukrinform", "PAP", "CTK", "AAP", "CP", "NTB", "TT", "Lusa", "Notimex", "SPA", "MENA", "KUNA", "QNA", "Petra"]
    for name in [*required, "RIA Novosti", "Agência Brasil", "Prensa Latina"]:
        assert name in REG.names, name
    assert REG.canonical("新华社") == "Xinhua"
    assert REG.canonical("आईएएनएस") == "IANS"
    assert REG.canonical("पीटीआई") == "PTI"
    assert REG.canonical("associated press") == "AP"
    assert REG.agency_of_outlet("https://www.ptinews.com/story/1") == "PTI"
    assert REG.agency_of_outlet("en.yna.co.kr") == "Yonhap"
    assert REG.agency_of_outlet("IANS") == "IANS"
    assert REG.agency_of_outlet("example-daily.in") is None
    assert REG.agency_of_outlet("https://www.inform.kz/ru/a1") == "Kazinform"
    assert REG.canonical("Hindustan Samachar") == "Hindusthan Samachar"


def test_extra_registry_toml(tmp_path: Path) -> None:
    p = tmp_path / "extra.toml"
    p.write_text(
        '[[agency]]\nname = "Gulf Wire"\naliases = ["GW"]\nambiguous = ["GW"]\ncountry = "BH"\nlanguage = "en"\n'
        'domains = ["gulfwire.example"]\n\n'
        '[[agency]]\nname = "IANS"\naliases = ["Indo-Asian News"]\n',
        encoding="utf-8",
    )
    reg = load_registry(p)
    assert "Gulf Wire" in reg.names and len(reg.names) == len(REG.names) + 1
    got = {(c.source, c.role) for c in find_credits("MANAMA, May 1 (GW) -- Talks ended.", field="text", registry=reg)}
    assert got == {("Gulf Wire", "dateline")}
    # Ambiguous: no credit without a credit position.
    assert find_credits("The GW motor is rated at 3 GW.", field="text", registry=reg) == []
    # Merged aliases keep the built-in ones.
    assert reg.canonical("Indo-Asian News") == "IANS" and reg.canonical("IANS") == "IANS"
    assert reg.agency_of_outlet("www.gulfwire.example") == "Gulf Wire"


def test_extra_registry_yaml(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    p = tmp_path / "extra.yaml"
    p.write_text(
        "agency:\n  - name: Island Press Service\n    aliases: [IPS-X]\n    country: FJ\n    language: en\n",
        encoding="utf-8",
    )
    reg = load_registry(p)
    got = {(c.source, c.role) for c in find_credits("The road reopened. — IPS-X", field="text", registry=reg)}
    assert got == {("Island Press Service", "byline")}


def test_extra_registry_rejects_unknown_format(tmp_path: Path) -> None:
    p = tmp_path / "extra.json"
    p.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError):
        load_registry(p)


# --------------------------------------------------------------------------
# The fast scan against the slow reference (Registry.pattern, boilerplate)
# --------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from provenance.extract import boilerplate  # noqa: E402
from provenance.trace import attribution as _attr  # noqa: E402

_ALIASES = sorted({a for ag in REG.agencies for a in ag.all_aliases()})
_ODD_SPACE = [" ", "  ", "\n", "\n\n", " \n", "\n ", "\t", "\u00a0", "\u2003", "\r\n", "\x1c"]
_FRAGMENTS = [
    "By ", "(", ")", " -- ", " — ", "Source: ", "Photo: ", "/", "told ", " reported", "according to ",
    "quoting ", " said.", "With inputs from ", "(with Inputs FROM ", ", ", ". ", "\n", "SEOUL, Oct 16 ", "the ", "x",
    "_", "9", "( ", "(\u3000", "新华社北京3月5日电 ",
    "ſ", "İ", "ı", "K", "é", "Σ", "“", "\"", "Disclaimer: This post has been auto-published from an agency feed",
    " and has not been edited by our staff.", "Only the headline has been changed by the desk staff",
    "This story has not been edited by the team", " wire service.", "published", "staff",
    "This is an agency copy", "This is an auto-generated story from a syndicated news feed",
    " and has not been created or edited by ", "This article is part of an automated news feed",
    "This story is auto-aggregated by a computer program", "Only the headline and picture of this report may have been ",
    "reworked by ", " contributed to this report.", "Material from ", "Additional reporting by ", "(With ", " inputs)",
    "The reporting by ", "; with reporting from ", "(avec ", "Con información de ", "Mit Material von ",
    " et ", " y ", "— With ", " was used in this report", "This is an unedited and auto-generated story from Syndicated News feed", " Only the headline has been changed.",
    "डिस्क्लेमर: यह खबर एजेंसी फीड से सीधे प्रकाशित की गई है।", " इसे हमारी टीम ने संपादित नहीं किया है।",
    "यह खबर फ़ीड से ", "पब्लिश", "आईएएनएस",
]


def _variant(alias: str, draw: st.DrawFn) -> str:
    """An alias as a page may write it: other case, other whitespace between words."""
    words = alias.split()
    sep = [draw(st.sampled_from(_ODD_SPACE)) for _ in words[1:]]
    out = words[0] + "".join(s + w for s, w in zip(sep, words[1:], strict=True))
    case = draw(st.sampled_from(["same", "upper", "lower", "title"]))
    return {"same": out, "upper": out.upper(), "lower": out.lower(), "title": out.title()}[case]


@st.composite
def _texts(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            parts.append(_variant(draw(st.sampled_from(_ALIASES)), draw))
        else:
            parts.append(draw(st.sampled_from(_FRAGMENTS)))
    return "".join(parts)


def _reference_matches(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in REG.pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(_texts(), min_size=1, max_size=6))
def test_scan_equals_the_alternation_and_disclaimer_regex(texts: list[str]) -> None:
    sc = REG.scanner
    possible, maybe_disclaimer = sc.candidates(pl.Series(texts), disclaimers=True)
    for text, pos, disc in zip(texts, possible, maybe_disclaimer, strict=True):
        got = sc.matches(text, pos) if pos else []
        assert got == _reference_matches(text), text
        assert sc.disclaimer_spans(text, disc) == boilerplate.disclaimer_spans(text), text
        # A hint may only rule out a context rule that cannot match.
        pres = [text[text.rfind("\n", 0, s) + 1 : s] for s, _, _ in got]
        for pre, (photo, cue, source, inputs, dash) in zip(pres, sc.hints(pres), strict=True):
            assert photo or not _attr._PHOTO_PRE.search(pre)
            assert cue or not (_attr._PRE_CUE.search(pre) or _attr._PRE_CUE_TIGHT.search(pre))
            assert source or not _attr._SOURCE_PRE.search(pre)
            assert inputs or not _attr._INPUTS_PRE.search(pre)
            assert dash or not _attr._DASH_PRE.search(pre)
            assert bool(_attr._PAREN_PRE.search(pre)) == pre.rstrip(_attr._WS).endswith("(")


def _reference_credits(articles: pl.DataFrame) -> pl.DataFrame:
    """credits() as the slow reference computes them: the alternation, every rule, the full disclaimer scan."""
    rows = []
    for r in articles.iter_rows(named=True):
        body_field, body = ("raw_text", r["raw_text"]) if r["raw_text"] else ("text", r["text"])
        found = []
        for field, text, byline in (("byline", r["byline"], True), (body_field, body, False)):
            if text:
                ms = _reference_matches(text)
                found += _attr._credits_in(text, ms, [_attr._NO_HINTS] * len(ms), field=field, registry=REG,
                                           byline_field=byline)
        rows += [{"article_id": r["article_id"], **c.__dict__} for c in found]
        agency = next((c.source for c in found if c.role in _attr.CREDIT_ROLES and c.kind == "agency"), None)
        for s, e in boilerplate.disclaimer_spans(body or ""):
            rows.append({"article_id": r["article_id"], "source": agency or GENERIC_FEED,
                         "kind": "agency" if agency else "external", "role": "disclaimer", "field": body_field,
                         "span_start": s, "span_end": e, "span_text": body[s:e], "cited_via": None})
    return schemas.conform(pl.DataFrame(rows, infer_schema_length=None), schemas.CREDITS) if rows else (
        schemas.empty(schemas.CREDITS))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_texts(), st.one_of(st.none(), _texts()), st.one_of(st.none(), _texts())),
                min_size=1, max_size=5))
def test_credits_equal_the_slow_reference(rows: list[tuple[str, str | None, str | None]]) -> None:
    arts = pl.DataFrame(
        {"article_id": [f"a{i}" for i in range(len(rows))], "text": [r[0] for r in rows],
         "raw_text": [r[1] for r in rows], "byline": [r[2] for r in rows]},
        schema={"article_id": pl.String, "text": pl.String, "raw_text": pl.String, "byline": pl.String},
    )
    from polars.testing import assert_frame_equal

    assert_frame_equal(credits(arts, registry=REG), _reference_credits(arts))


def test_disclaimer_shortcut_matches_boilerplate() -> None:
    """The disclaimer shortcut is proved for boilerplate's current patterns; update both together."""
    assert _attr._disclaimer_shortcut_valid()
    assert REG.scanner.disclaimer_shortcut


def test_case_scan_covers_every_code_point() -> None:
    """Characters the scan for case partners skips have none: same partners over all of Unicode."""
    import regex

    sc = REG.scanner
    chars = sorted({ch for k in sc.ci_keys for ch in k} | set("publishedgeneratedstaffedited"))
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    cls = regex.compile("(?i:[" + "".join(regex.escape(c) for c in chars) + "])")
    assert set(cls.findall(every)) == set(cls.findall(_attr._scan_universe()))
    assert set(regex.findall(r"\s", every)) == set(sc.ws_chars)


def test_copyright_credit_has_its_span():
    text = "The council adjourned until Friday.\n\n© 2012 The Associated Press. All rights reserved."
    (c,) = find_credits(text, field="text", registry=REG)
    assert (c.source, c.role, c.span_text) == ("AP", "copyright", "© 2012 The Associated Press")
    assert text[c.span_start : c.span_end] == c.span_text


_BODY = ("The county council voted on Tuesday to reopen the old harbour bridge to cyclists from next month, "
         "after engineers found the deck sound enough for light traffic.")


@pytest.mark.parametrize("line", [
    "Only the headline and picture of this report may have been reworked by the Harbor Herald staff; the rest of "
    "the content is auto-generated from a syndicated feed.",
    "This is an auto-generated story from a syndicated news feed.",
    "(This article is part of an automated news feed and has not been edited by Harbor Herald staff.)",
    "Disclaimer: This is an agency copy and has not been edited by our staff.",
    "Disclaimer: This story is auto-aggregated by a computer program and has not been created or edited by "
    "NewsHub.",
    "(This is an unedited and auto-generated story from Syndicated News feed, Harbor Herald Staff may not have "
    "modified or edited the content body)",
])
def test_more_auto_publication_disclaimers(line: str) -> None:
    """Phrasings of unedited feed copy on Indian news sites and aggregators (the sentences are ours)."""
    text = f"{_BODY}\n\n{line}"
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [text]}), registry=REG)
    disc = cr.filter(pl.col("role") == "disclaimer")
    assert disc.height == 1 and disc["source"][0] == GENERIC_FEED
    assert line.strip("()") in disc["span_text"][0] or disc["span_text"][0] in line
    assert boilerplate.strip_disclaimers(text).strip(" ()\n") == _BODY


@pytest.mark.parametrize(("line", "agency", "span"), [
    ("The Associated Press contributed to this report.", "AP", "The Associated Press contributed to this report."),
    ("Associated Press writer Jane Roe in Seaport contributed to this report.", "AP",
     "Associated Press writer Jane Roe in Seaport contributed to this report."),
    ("Reuters contributed reporting.", "Reuters", "Reuters contributed reporting."),
    ("(Reuters contributed to this story)", "Reuters", "Reuters contributed to this story"),
    ("Material from Reuters was used in this report.", "Reuters", "Material from Reuters was used in this report."),
    ("(Additional reporting by Reuters)", "Reuters", "Additional reporting by Reuters"),
    ("Edited by Jane Roe; with reporting from AFP", "AFP", "with reporting from AFP"),
    ("(With PTI inputs)", "PTI", "With PTI inputs"),
    ("— With AFP", "AFP", "With AFP"),
    ("(avec AFP)", "AFP", "avec AFP"),
    ("Con información de Europa Press", "Europa Press", "Con información de Europa Press"),
    ("Mit Material von dpa", "dpa", "Mit Material von dpa"),
    ("Com informações da Agência Brasil", "Agência Brasil", "Com informações da Agência Brasil"),
])
def test_a_contribution_note_credits_the_agency(line: str, agency: str, span: str) -> None:
    """Part of the text is the agency's, as "With inputs from PTI" says: a credit, not a citation."""
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [f"{_BODY}\n\n{line}"]}), registry=REG)
    assert cr.select("source", "role", "span_text").rows() == [(agency, "inputs", span)]


@pytest.mark.parametrize(("line", "agencies"), [
    ("With AFP and Reuters", ["AFP", "Reuters"]),
    ("Con información de EFE y Reuters", ["EFE", "Reuters"]),
    ("(avec AFP et Reuters)", ["AFP", "Reuters"]),
])
def test_a_note_crediting_two_agencies_credits_both(line: str, agencies: list[str]) -> None:
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [f"{_BODY}\n\n{line}"]}), registry=REG)
    assert sorted(cr.filter(pl.col("role") == "inputs")["source"].to_list()) == agencies


@pytest.mark.parametrize("line", [
    "The AP writers contributed money to a fund for the harbour.",
    "Staff at Reuters contributed to the fund.",
    "The council contributed to this report.",
    "The reporting by Reuters was wrong, the minister said.",
    "He agreed with PTI inputs being used.",
    "Il a parlé avec AFP hier.",
    "The deal with Reuters was signed.",
    "Partnership with AFP and the ministry was signed on Monday.",
    "With UPI transactions rising, banks said.",
])
def test_what_is_no_contribution_note(line: str) -> None:
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [f"{_BODY}\n\n{line}"]}), registry=REG)
    assert cr.filter(pl.col("role").is_in(["byline", "inputs"])).height == 0


@pytest.mark.parametrize("line", [
    "This is an important story and has not been edited by anyone because it was written live.",
    "The story has not been edited by the desk.",
])
def test_what_is_no_disclaimer(line: str) -> None:
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [f"{_BODY}\n\n{line}"]}), registry=REG)
    assert cr.filter(pl.col("role") == "disclaimer").height == 0


@pytest.mark.parametrize(("line", "agency"), [("IANS  Seaport", "IANS"), ("Press Trust of India New Delhi", "PTI")])
def test_agency_and_place_on_a_line_of_their_own_is_a_byline(line: str, agency: str) -> None:
    text = f"Harbour bridge shut after divers find crack\n\n{line}\n\n{_BODY}"
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [text]}), registry=REG)
    assert cr.select("source", "role").rows() == [(agency, "byline")]


def test_an_ambiguous_alias_before_capitalised_words_is_no_byline() -> None:
    text = f"AP Top Stories\n\n{_BODY}"
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [text]}), registry=REG)
    assert cr.height == 0


def test_the_brackets_a_disclaimer_stood_in_go_with_it() -> None:
    text = f"{_BODY}\n\n(This article is part of an automated news feed and has not been edited by Example staff.)"
    assert boilerplate.strip_disclaimers(text) == _BODY
    # the disclaimer's last clause runs to the closing bracket: the opening one goes too
    text = f"{_BODY}\n\n(This story has not been edited by Harbor Herald staff and is published from a syndicated news " \
           "agency feed - IANS)"
    assert boilerplate.strip_disclaimers(text) == _BODY


@pytest.mark.parametrize("tail", [
    "Only the headline has been changed.", "The Harbor Herald holds no responsibility for its content.",
])
def test_the_sentence_completing_a_disclaimer_goes_with_it_and_is_no_credit(tail: str) -> None:
    line = "This story has been published from a wire agency feed without modifications to the text."
    text = f"{_BODY}\n\n{line} {tail}\n\nThe bridge opens on Monday."
    assert boilerplate.strip_disclaimers(text) == f"{_BODY}\n\nThe bridge opens on Monday."
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [text]}), registry=REG)
    assert cr.filter(pl.col("role") == "disclaimer")["span_text"].to_list() == [line]
    # alone, or after a paragraph of the story, the sentence is left as it is
    alone = f"{_BODY} {tail}"
    assert boilerplate.strip_disclaimers(alone) == alone


_HINDI_BODY = "नगर परिषद ने मंगलवार को पुराने बंदरगाह पुल को अगले महीने से साइकिल सवारों के लिए खोलने का फैसला किया।"


@pytest.mark.parametrize("line", [
    "डिस्क्लेमर: यह खबर एजेंसी फीड से सीधे प्रकाशित की गई है। इसे हमारी टीम ने संपादित नहीं किया है।",
    "(यह खबर सिंडिकेट फ़ीड से ऑटो-पब्लिश की गई है।)",
    "यह आईएएनएस न्यूज \u095eीड से सीधे पब्लिश हुई खबर है। इसके साथ हमारी टीम ने कोई एडिटिंग नहीं की है।",
])
def test_hindi_auto_publication_disclaimers(line: str) -> None:
    """Hindi pages carry agency feeds too: the disclaimer credits the byline's agency and leaves the body."""
    text = f"आईएएनएस | अपडेटेड: 16 अक्टूबर 2024\n\n{_HINDI_BODY}\n\n{line}"
    cr = credits(pl.DataFrame({"article_id": ["x"], "byline": [None], "text": [text]}), registry=REG)
    assert set(cr.filter(pl.col("role") == "disclaimer")["source"]) == {"IANS"}
    assert boilerplate.strip_disclaimers(f"{_HINDI_BODY}\n\n{line}") == _HINDI_BODY


@pytest.mark.parametrize("line", ["इसके बाद सरकार ने कोई बदलाव नहीं किया।", "इसे संपादित नहीं किया जा सकता।",
                                  "यह योजना किसानों के लिए है और इसे कल प्रकाशित किया गया।"])
def test_hindi_sentences_that_are_no_disclaimer(line: str) -> None:
    assert boilerplate.disclaimer_spans(f"{_HINDI_BODY} {line}") == []


def test_a_canonical_link_to_another_site_is_a_republished_credit() -> None:
    """A syndicated copy's canonical link names the original; one to the page's own site says nothing."""
    arts = pl.DataFrame({
        "article_id": ["msn", "tucson", "udn", "amp", "none"],
        "url": ["https://www.msn.com/en-gb/a", "https://tucson.com/b", "https://money.udn.com/c",
                "https://harbour.example/d?utm=1", "https://harbour.example/e"],
        "canonical_url": ["https://www.cnn.com/2019/a", "https://apnews.com/748f", "https://udn.com/c",
                          "https://amp.harbour.example/d", None],
        "outlet": ["msn.com", "tucson.com", "money.udn.com", "harbour.example", "harbour.example"],
        "byline": [None] * 5, "text": ["A story."] * 5, "raw_text": [None] * 5,
    })
    got = credits(arts, registry=REG).select("article_id", "source", "kind", "role", "field", "span_text").rows()
    assert got == [
        ("msn", "cnn.com", "outlet", "republished", "canonical_url", "https://www.cnn.com/2019/a"),
        ("tucson", "AP", "agency", "republished", "canonical_url", "https://apnews.com/748f"),
    ]
