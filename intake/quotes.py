"""Cutting the quoted history off a reply, as Outlook, Foxmail, Gmail and QQ Mail write it."""

import re

# A line that starts the quoted original; everything from it on is history.
SEPARATORS = [
    re.compile(
        r"^-{2,}\s*(Original Message|原始邮件|Forwarded message|转发邮件)\s*-{2,}\s*$", re.I
    ),
    re.compile(r"^-{5,}\s*(Original|原始邮件)\s*-{5,}$", re.I),
    re.compile(r"^_{10,}\s*$"),
    re.compile(r"^On .{1,200}wrote:\s*$", re.S),
    re.compile(r"^在\s*.{1,200}写道\s*[:：]\s*$", re.S),
    re.compile(r"^\d{4}[-/年].{1,120}(写道|wrote)\s*[:：]\s*$"),
]
# Outlook/Foxmail header block: "From:"/"发件人:" followed shortly by a date or recipient line.
HEADER_START = re.compile(r"^\*?(From|发件人)\s*\*?\s*[:：]", re.I)
HEADER_NEXT = re.compile(
    r"^\*?(Sent|Date|To|Subject|发送时间|日期|时间|收件人|主题)\s*\*?\s*[:：]", re.I
)


def strip_quoted(text: str) -> str:
    """The new part of a reply; the whole text if no history is recognised."""
    lines = text.splitlines()
    cut = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        joined = " ".join(part.strip() for part in lines[index : index + 2])
        if any(p.match(stripped) for p in SEPARATORS) or (
            stripped.startswith("On ") and SEPARATORS[3].match(joined)
        ):
            cut = index
            break
        if HEADER_START.match(stripped) and any(
            HEADER_NEXT.match(following.strip()) for following in lines[index + 1 : index + 4]
        ):
            cut = index
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    return "\n".join(line for line in kept if not line.lstrip().startswith(">")).strip()
