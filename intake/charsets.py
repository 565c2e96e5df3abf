"""Decoding text whose declared charset is often wrong (Chinese mail especially)."""

import codecs

# Chinese mail labels GBK (and GB18030) text as gb2312; GB18030 is a superset of both, so
# decoding with it never loses a character the sender's client could have written.
SUPERSETS = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}
# Tried in order when the declared charset is missing or fails.
FALLBACKS = ("utf-8", "gb18030", "big5hkscs")


def codec_for(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    name = SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text of `data`: the declared charset (widened), then common ones, then lossy UTF-8."""
    tried = []
    for name in (codec_for(charset), *FALLBACKS):
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


def repair_header(value: str) -> str:
    """Undo the parser's surrogate escapes for raw 8-bit bytes in a header (no RFC 2047)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_bytes(value.encode("utf-8", errors="surrogateescape"))
