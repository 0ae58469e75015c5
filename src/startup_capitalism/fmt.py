"""Formatting of dates and numbers for captions, tables and tooltips: never typed by hand."""

from __future__ import annotations

import calendar

import pandas as pd

UNIT_SYMBOLS = {"percent": "%", "US dollars": "US$", "yen": "¥"}


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def date_label(row) -> str:
    """How precisely the text dates a fact: '25 June 2018', 'June 2023', '1999', '1980s', 'c. 2000–2004'."""
    year, end, precision = row.get("year"), row.get("year_end"), row.get("date_precision")
    if not _present(year):
        return "undated"
    year = int(year)
    span = f"{year}–{int(end)}" if _present(end) and int(end) != year else f"{year}"
    if precision == "day" and _present(row.get("month")) and _present(row.get("day")):
        return f"{int(row['day'])} {calendar.month_name[int(row['month'])]} {year}"
    if precision == "month" and _present(row.get("month")):
        return f"{calendar.month_name[int(row['month'])]} {year}"
    if precision == "decade":
        return f"{year}s" if year % 10 == 0 and (not _present(end) or int(end) == year + 9) else span
    if precision == "approximate":
        return f"c. {span}"
    return span


def quantity(value, unit) -> str:
    """'12.5 years', '20%', 'US$1.5 trillion', '¥120 million'."""
    if not _present(value):
        return ""
    value = float(value)
    if unit in ("US dollars", "yen"):
        for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(value) >= size:
                return f"{UNIT_SYMBOLS[unit]}{value / size:g} {word}"
        return f"{UNIT_SYMBOLS[unit]}{value:,.0f}"
    if unit == "percent":
        return f"{value:g}%"
    return f"{value:,g} {unit}"


def count(number: int, noun: str) -> str:
    """'1 row', '256 rows'."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
