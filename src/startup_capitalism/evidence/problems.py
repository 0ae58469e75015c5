"""A located validation problem: `file:line: column: row <id>: what is wrong`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: str
    message: str
    row_id: str = ""  # the row's own id, where the row has one

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = f"row {self.row_id}: {self.message}" if self.row_id else self.message
        return f"{where}: {self.column}: {message}" if self.column else f"{where}: {message}"
