"""The parser over a corpus of realistic messages: charsets, HTML, replies, robots, junk."""

from pathlib import Path

import pytest

from intake.parsing import parse
from intake.quotes import strip_quoted

CORPUS = Path(__file__).parent / "corpus"


def load(name: str):
    return parse((CORPUS / name).read_bytes())


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda p: p.name)
def test_every_corpus_message_parses_without_crashing(path):
    raw = path.read_bytes()
    parse(raw)
    parse(raw, headers_only=True)
    # Truncated anywhere (a cut-off pipe, a huge message capped): still no exception.
    for cut in (1, len(raw) // 3, len(raw) // 2, len(raw) - 3):
        parse(raw[:cut])


def test_plain_message():
    m = load("plain.eml")
    assert m.from_address == "li.ming@huaxin.example.cn"  # lower-cased
    assert m.subject == "Printer on 3rd floor jams"
    assert m.message_id == "<CAF1234@mail.huaxin.example.cn>"
    assert "jams on every second page" in m.text
    assert m.robot_reason == ""


def test_html_only_becomes_safe_text():
    m = load("html_only.eml")
    assert m.subject == "VPN无法连接"
    assert m.from_name == "张三"
    assert "VPN 无法连接" in m.text
    assert "Error 809 & timeout" in m.text
    for active in ("<", "alert", "script", "color:red", "onerror"):
        assert active not in m.text


def test_attachments_with_encoded_names():
    m = load("multipart_attachments.eml")
    assert m.text == "See the screenshot and the report."
    names = [a.filename for a in m.attachments]
    assert names == ["故障截图.png", "报告.pdf", "setup.exe"]
    assert m.attachments[1].data.startswith(b"%PDF")


def test_gbk_mislabelled_as_gb2312_reads_correctly():
    m = load("gbk_body.eml")
    assert m.subject == "电脑无法开机 朱镕基路网点"
    assert m.from_name == "王芳"
    assert "朱镕基路网点的电脑今天早上无法开机" in m.text
    assert "\ufffd" not in m.text + m.subject


def test_gb18030_body_and_subject():
    m = load("gb18030_body.eml")
    assert m.subject == "打印机卡纸 𠀀"
    assert m.text == "二楼打印机卡纸，生僻字𠀀测试。"


def test_raw_8bit_gbk_header_and_undeclared_body():
    m = load("raw_8bit_gbk.eml")
    assert m.subject == "网络中断"
    assert m.text == "营业厅网络中断"


def test_big5():
    m = load("big5_body.eml")
    assert m.subject == "印表機故障"
    assert m.text == "台北分行印表機故障"


@pytest.mark.parametrize(
    ("name", "new_part"),
    [
        ("reply_outlook.eml", "It still jams after the restart."),
        ("reply_outlook_zh.eml", "重启以后还是卡纸。"),
        ("reply_foxmail.eml", "好的，已经恢复正常了。"),
        ("reply_gmail.eml", "Thanks, that fixed it."),
        ("reply_qq.eml", "收到，谢谢！"),
    ],
)
def test_replies_lose_their_quoted_history(name, new_part):
    m = load(name)
    assert m.ticket_reference == "HX-000001"
    assert strip_quoted(m.text) == new_part
    assert m.robot_reason == ""


def test_text_without_history_is_kept_whole():
    text = "Line one\nFrom the second floor: nothing works\n\nLine three"
    assert strip_quoted(text) == text


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_reply_zh.eml", "Auto-Submitted: auto-replied"),
        ("auto_reply_outlook.eml", "auto-reply subject"),
        ("bounce.eml", "delivery status notification"),
    ],
)
def test_robots_are_recognised(name, reason):
    assert load(name).robot_reason == reason


@pytest.mark.parametrize(
    ("header", "robot"),
    [
        ("Auto-Submitted: no", False),
        ("Auto-Submitted: auto-generated", True),
        ("X-Autoreply: yes", True),
        ("X-Autorespond: yes", True),
        ("Precedence: bulk", True),
        ("Precedence: list", True),
        ("Precedence: junk", True),
        ("X-Mailer: Foxmail", False),
    ],
)
def test_robot_headers(header, robot):
    raw = f"From: a@b.cn\r\nSubject: hello\r\n{header}\r\n\r\nbody\r\n".encode()
    assert bool(parse(raw).robot_reason) is robot


def test_robot_senders():
    for sender in ("MAILER-DAEMON@x.cn", "postmaster@x.cn", ""):
        raw = f"From: {sender}\r\nSubject: hi\r\n\r\nbody\r\n".encode()
        assert parse(raw).robot_reason


def test_malformed_mime_yields_text_and_problems():
    m = load("malformed.eml")
    assert m.from_address == "broken@huaxin.example.cn"
    assert "body with" in m.text
    assert m.problems


def test_not_a_mail_at_all():
    m = load("not_a_mail.eml")
    assert m.from_address == "" and m.robot_reason
