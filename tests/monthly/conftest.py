"""Monthly report tests reuse the dashboards' hand-computed October 2026 data set."""

import pytest

from reports.dashboards.rollups import rollups_rebuild
from tests.dashboards.conftest import local, october  # noqa: F401 - fixture re-exported

from .helpers import make_ready_report

NOW = local(11, 5)


@pytest.fixture
def october_report(october, manager_a):  # noqa: F811 - the imported fixture
    rollups_rebuild(now=NOW)
    return make_ready_report(october.client, now=NOW)
