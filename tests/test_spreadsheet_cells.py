"""What people wrote reaches CSV and XLSX exports as text, never as a formula."""

from itsm.spreadsheet import cell_row
from reports.dashboards.tables import Table


def test_formula_starts_get_an_apostrophe_and_numbers_pass():
    assert cell_row(["=1+2", "+cmd", "-x", "@SUM(A1)", "ok", -5, 3.5, None]) == [
        "'=1+2",
        "'+cmd",
        "'-x",
        "'@SUM(A1)",
        "ok",
        -5,
        3.5,
        None,
    ]


def test_the_dashboard_csv_keeps_a_formula_as_text():
    table = Table(
        key="t", title="T", columns=[("label", "Label")], rows=[{"label": "=HYPERLINK(1)"}]
    )
    assert "'=HYPERLINK(1)" in table.as_csv()
