"""The one font the report PDF is set in, embedded as a subset.

WenQuanYi Micro Hei (文泉驿微米黑) covers Simplified Chinese (all 20,902 Chinese characters of GBK)
and Latin in one face, so both languages come out of one font. Its outlines are TrueType
(glyf), which reportlab can subset and embed; the OpenType/CFF Noto CJK fonts it cannot.
It comes from PyPI in the package `paperang-p2-fonts-cjk`, whose file is byte for byte
Debian's fonts-wqy-microhei 0.2.0-beta (tests/monthly/test_pdf_fonts.py checks the hash),
so a fresh `make install` has it without system packages. Licence: Apache-2.0 or GPL-3+
with the font exception (embedding in documents is allowed; OS/2 fsType 8, editable).
"""

import functools
from importlib.resources import files
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "WenQuanYiMicroHei"
# The collection's first face is the proportional one (the second is its monospaced twin).
FONT_FILE = Path(str(files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"))
FONT_FILE_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"


@functools.cache
def report_font() -> str:
    """Register the font with reportlab once per process (≈0.2 s, so not at import time)
    and return its name for styles and canvases."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    return FONT
