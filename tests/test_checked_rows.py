"""Validated once (issue 18): a file that validated is loaded from its checked file by every later
reader (each notebook kernel, the extension) until one of its inputs changes."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT
from startup_capitalism import evidence
from startup_capitalism.book import Book

BOOK = Book(ROOT)


def _no_validation(*args, **kwargs):
    raise AssertionError("validated again although nothing it reads changed")


def test_a_second_load_reads_the_checked_rows_without_validating(monkeypatch):
    first = evidence.load_evidence(BOOK)
    monkeypatch.setattr(evidence, "validate_file", _no_validation)
    again = evidence.load_evidence(BOOK)
    pd.testing.assert_frame_equal(first, again)
    assert list(again.dtypes) == list(first.dtypes)


def test_an_edited_input_is_validated_again(tmp_path):
    draft = tmp_path / "evidence.csv"
    draft.write_bytes(BOOK.evidence_csv.read_bytes())
    evidence.load_evidence(BOOK, draft)  # valid: its checked file is written
    with draft.open("a", encoding="utf-8") as csv_file:
        csv_file.write("broken\n")  # a new key: validated again, and the fault found
    with pytest.raises(evidence.EvidenceError) as raised:
        evidence.load_evidence(BOOK, draft)
    assert "evidence.csv" in str(raised.value)
