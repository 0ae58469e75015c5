"""Formatting of dates and numbers for captions, tables and tooltips: never typed by hand."""

from __future__ import annotations

import calendar

import pandas as pd

UNIT_SYMBOLS = {"percent": "%", "US dollars": "US$", "yen": "¥"}
UNSTATED_CURRENCY = "money, currency not stated"
# how a qualified amount reads: "nearly 5%", "of the order of 10 million"; an exact amount has no prefix
QUALIFIER_PREFIXES = {
    "about": "about ",
    "at least": "at least ",
    "just over": "just over ",
    "nearly": "nearly ",
    "order of magnitude": "of the order of ",
}


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def date_label(row) -> str:
    """How precisely the text dates a fact: '25 June 2018', 'June 2023', '1999', '1980s', 'c. 2000–2004',
    '1990s onward' for an open period, '21st century onward'."""
    year, end, precision = row.get("year"), row.get("year_end"), row.get("date_precision")
    if not _present(year):
        return "undated"
    year = int(year)
    span = f"{year}–{int(end)}" if _present(end) and int(end) != year else f"{year}"
    if precision == "day" and _present(row.get("month")) and _present(row.get("day")):
        return f"{int(row['day'])} {calendar.month_name[int(row['month'])]} {year}"
    if precision == "month" and _present(row.get("month")):
        return f"{calendar.month_name[int(row['month'])]} {year}"
    if precision == "approximate":
        span = f"c. {span}"
    elif precision == "decade" and year % 10 == 0 and (not _present(end) or int(end) == year + 9):
        span = f"{year}s"
    elif precision == "century":
        number = year // 100 + 1
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        span = f"{number}{suffix} century"
    # an open period ("since the 1990s") runs on from where it starts
    open_ended = row.get("open_ended")
    return f"{span} onward" if _present(open_ended) and bool(open_ended) else span


def _amount(value: float, unit) -> str:
    if unit in ("US dollars", "yen", UNSTATED_CURRENCY):
        symbol, note = (
            UNIT_SYMBOLS.get(unit, ""),
            " (currency not stated)" if unit == UNSTATED_CURRENCY else "",
        )
        for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(value) >= size:
                return f"{symbol}{value / size:g} {word}{note}"
        return f"{symbol}{value:,.0f}{note}"
    if unit == "percent":
        return f"{value:g}%"
    return f"{value:,g} {unit}"


def quantity(value, unit, qualifier=None) -> str:
    """'12.5 years', '20%', 'US$1.5 trillion', '¥120 million', 'nearly 5%', 'of the order of 10 million'."""
    if not _present(value):
        return ""
    prefix = QUALIFIER_PREFIXES.get(qualifier, "") if _present(qualifier) else ""
    return prefix + _amount(float(value), unit)


def count(number: int, noun: str) -> str:
    """'1 row', '256 rows'."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
