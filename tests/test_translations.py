"""Every extracted string has a Simplified Chinese translation, compiled into the .mo."""

import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def entries():
    return [e for e in PO.read_text().split("\n\n")[1:] if "msgid" in e]


def test_no_empty_or_fuzzy_translations():
    bad = [e for e in entries() if "#, fuzzy" in e or re.search(r'msgstr(\[0\])? ""\s*$', e)]
    assert not bad, "untranslated:\n" + "\n----\n".join(bad[:5])


def test_compiled_catalogue_is_current():
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_size > 10_000


def test_chinese_is_served(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    assert "登录" in client.get("/accounts/login/").content.decode()
