import pytest

from robots.models import RobotTarget

from .server import RobotServer


@pytest.fixture
def loopback(settings):
    """Robots may post to the local test server (ROBOTS_ALLOW_LOOPBACK), with a short timeout."""
    settings.ROBOTS_ALLOW_LOOPBACK = True
    settings.ROBOTS_HTTP_TIMEOUT = 1
    settings.SITE_URL = "https://desk.example.cn"


@pytest.fixture
def robot_server(loopback):
    with RobotServer() as server:
        yield server


@pytest.fixture
def make_robot(agent_a):
    def _make(server, *, vendor="wecom", secret="", team=None, path=None, **fields):
        team = team or agent_a.teams.get()
        default_path = {
            "wecom": "/cgi-bin/webhook/send?key=test-key-123456",
            "dingtalk": "/robot/send?access_token=tok-abcdef",
            "feishu": "/open-apis/bot/v2/hook/hook-abcdef",
        }[vendor]
        return RobotTarget.objects.create(
            team=team,
            name=fields.pop("name", f"{vendor} robot"),
            vendor=vendor,
            url=server.url(path or default_path),
            secret=secret,
            language=fields.pop("language", "en"),
            **fields,
        )

    return _make
