"""Text for spreadsheet cells (CSV and XLSX exports): what people wrote must stay text.

A cell starting with = + - @ (or a tab or carriage return) is taken as a formula by Excel,
WPS and LibreOffice (CSV injection); such text gets a leading apostrophe. Numbers pass as they
are.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_row(values) -> list:
    return [cell_value(value) for value in values]
