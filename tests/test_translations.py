"""The Simplified Chinese catalogue is complete, current with the code, and compiled.

"Current" is checked by running makemessages over a copy of the source tree and comparing the
extracted messages with the committed .po; "compiled" by reading the committed .mo and
comparing every translation with the .po.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
SKIP = {".venv", "var", ".git", "node_modules", "__pycache__"}


def parse_po(text: str) -> dict[tuple[str, str, str], list[str]]:
    """Active entries of a .po: (msgctxt, msgid, msgid_plural) -> msgstr forms; flags ignored."""
    entries = {}
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if "msgid" not in fields or fields["msgid"] == "":
            continue  # the header
        forms = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        entries[(fields.get("msgctxt", ""), fields["msgid"], fields.get("msgid_plural", ""))] = (
            forms
        )
    return entries


def committed():
    return parse_po(PO.read_text())


def fuzzy_blocks():
    return [b for b in PO.read_text().split("\n\n") if "#, fuzzy" in b and "msgid" in b]


def test_no_empty_or_fuzzy_translations():
    empty = [msgid for (_, msgid, _), forms in committed().items() if not all(forms)]
    assert not empty, "untranslated:\n" + "\n".join(empty[:10])
    assert not fuzzy_blocks(), "fuzzy (check and clear):\n" + "\n----\n".join(fuzzy_blocks()[:5])


def test_catalogue_matches_the_strings_in_the_code(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=lambda _dir, names: [n for n in names if n in SKIP])
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=var"],
        cwd=copy,
        env={**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "itsm.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    extracted = set(parse_po((copy / PO.relative_to(ROOT)).read_text()))
    in_catalogue = set(committed())
    missing = sorted(m for _, m, _ in extracted - in_catalogue)
    stale = sorted(m for _, m, _ in in_catalogue - extracted)
    assert not missing and not stale, (
        "run `make messages` and translate:\n"
        f"missing from the .po: {missing[:10]}\nno longer in the code: {stale[:10]}"
    )


def test_compiled_catalogue_is_current():
    with PO.with_suffix(".mo").open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)._catalog
    wrong = []
    for (context, msgid, plural), forms in committed().items():
        key = f"{context}\x04{msgid}" if context else msgid
        if plural:
            found = [compiled.get((key, n)) for n in range(len(forms))]
        else:
            found = [compiled.get(key)]
        if found != forms:
            wrong.append(f"{msgid!r}: .po {forms} / .mo {found}")
    assert not wrong, "run `make messages` to recompile:\n" + "\n".join(wrong[:10])


def test_chinese_is_served(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    assert "登录" in client.get("/accounts/login/").content.decode()
