"""The report PDF carries its fonts: every font in the file is an embedded subset with a
Unicode map (no reader-supplied CID font such as STSong-Light, no standard-14 Helvetica),
its Chinese and English text extracts, and the font covers every Chinese string we ship."""

import hashlib
import io

import pytest
from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from reportlab.pdfbase import pdfmetrics

from reports.dashboards.rollups import rollups_rebuild
from reports.monthly.fonts import FONT_FILE, FONT_FILE_SHA256, report_font

from .conftest import NOW
from .helpers import make_ready_report

EMBEDDED = ("/FontFile", "/FontFile2", "/FontFile3")


def fonts_in(data: bytes) -> list[DictionaryObject]:
    """Every font dictionary reachable from the document catalogue (pages, form XObjects,
    annotations alike), each once."""
    reader = PdfReader(io.BytesIO(data))
    stack, seen, fonts = [reader.trailer["/Root"]], set(), []
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            # A Type0 font's descendant CIDFont is checked through its parent.
            if item.get("/Type") == "/Font" and not str(item.get("/Subtype")).startswith(
                "/CIDFontType"
            ):
                fonts.append(item)
            stack.extend(v for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return fonts


def font_problems(data: bytes) -> list[str]:
    """What a reader would have to supply itself: fonts without an embedded font program,
    fonts not subset, fonts without a ToUnicode map (text not extractable)."""
    problems = []
    fonts = fonts_in(data)
    if not fonts:
        return ["no font at all"]
    for font in fonts:
        name = str(font.get("/BaseFont", font.get("/Subtype")))
        if font.get("/Subtype") == "/Type3":
            problems.append(f"{name}: Type3")
            continue
        face = font
        if font.get("/Subtype") == "/Type0":
            face = font["/DescendantFonts"][0].get_object()
        descriptor = face.get("/FontDescriptor")
        if descriptor is None or not any(k in descriptor.get_object() for k in EMBEDDED):
            problems.append(f"{name}: not embedded")
        if "+" not in name:
            problems.append(f"{name}: not a subset")
        if "/ToUnicode" not in font:
            problems.append(f"{name}: no ToUnicode map")
    return problems


def pdf_bytes(report) -> bytes:
    with report.pdf.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def reports(october, manager_a):
    rollups_rebuild(now=NOW)
    return {
        language: pdf_bytes(
            make_ready_report(october.client, now=NOW, language=language, version=version)
        )
        for version, language in ((1, "en"), (2, "zh-hans"))
    }


@pytest.mark.django_db
def test_every_font_in_the_report_is_an_embedded_subset(reports):
    for language, data in reports.items():
        assert font_problems(data) == [], language
        names = {str(f["/BaseFont"]) for f in fonts_in(data)}
        assert all(n.split("+", 1)[1].startswith("WenQuanYiMicroHei") for n in names), names
        assert b"STSong" not in data and b"Helvetica" not in data, language


@pytest.mark.django_db
def test_chinese_and_english_text_extracts_from_the_embedded_font(reports):
    english, chinese = pdf_text(reports["en"]), pdf_text(reports["zh-hans"])
    for title in ("Monthly service report", "SLA compliance", "Complaints", "Next steps"):
        assert title in english
    for title in ("月度服务报告", "SLA 达标率", "投诉", "下一步计划"):
        assert title in chinese
    for text in (english, chinese):
        assert "华信银行" in text  # the client's name, in both languages
        assert "太慢 too slow" in text  # a user's comment mixing both scripts


def test_the_checker_flags_a_reader_supplied_cid_font_and_helvetica():
    """The check itself must fail on the fonts the report used to carry."""
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont("STSong-Light", 12)
    canvas.drawString(72, 720, "华信银行 report")
    canvas.save()
    problems = font_problems(out.getvalue())
    assert "/STSong-Light: not embedded" in problems
    assert "/Helvetica: not embedded" in problems  # the canvas's opening font


def test_the_font_file_is_debians_wenquanyi_micro_hei():
    # The PyPI package is a third party's; the hash pins it to fonts-wqy-microhei 0.2.0-beta.
    assert hashlib.sha256(FONT_FILE.read_bytes()).hexdigest() == FONT_FILE_SHA256


def python_msgstrs() -> list[str]:
    """The Chinese catalogue's translations of strings from Python code: the PDF draws only
    those (its own, content.py's, model labels), never a template's."""
    po = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    texts = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        refs = " ".join(line for line in block.splitlines() if line.startswith("#: "))
        if not any(ref.split(":")[0].endswith(".py") for ref in refs[3:].split()):
            continue
        body = block[block.index("\nmsgstr") :] if "\nmsgstr" in block else ""
        texts += [
            line.split('"', 1)[1].rsplit('"', 1)[0] for line in body.splitlines() if '"' in line
        ]
    return texts


def test_the_font_covers_every_chinese_string_the_pdf_can_draw():
    """A character missing from the font would print as an empty box though it extracts."""
    face = pdfmetrics.getFont(report_font()).face
    texts = python_msgstrs()
    assert any("月度服务报告" in t for t in texts)  # the parse found the PDF's strings
    missing = {c for t in texts for c in t if ord(c) not in face.charToGlyph}
    assert not missing, "".join(sorted(missing))
