"""Problems found in a district file, each naming the place (company, flow, field)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``company`` and ``flow`` are the ids written in the file, or ``#N`` (1-based position) when
    the item has no usable id; ``field`` is the field name (dotted for nested fields, e.g.
    ``location.lat``). ``line``/``column`` are set for syntax errors of the file itself.
    ``sheet`` names the worksheet of an Excel template; ``line``/``column`` are then its row and
    column number (1-based).
    """

    message: str
    company: str | None = None
    flow: str | None = None
    field: str | None = None
    line: int | None = None
    column: int | None = None
    code: str = "invalid"
    sheet: str | None = None

    def location(self) -> str:
        parts: list[str] = []
        if self.sheet is not None:
            parts.append(self.sheet)
            if self.line is not None:
                parts.append(f"row {self.line}")
            if self.column is not None:
                parts.append(f"column {column_letter(self.column)}")
            if self.field is not None:
                parts[-1] += f" ({self.field})"
            return ", ".join(parts)
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.company is not None:
            parts.append(f"company '{self.company}'")
        if self.flow is not None:
            parts.append(f"flow '{self.flow}'")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts) if parts else "file"

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        located: dict[str, Any] = {"sheet": self.sheet} if self.sheet is not None else {}
        return located | {
            "company": self.company,
            "flow": self.flow,
            "field": self.field,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "text": str(self),
        }


def column_letter(number: int) -> str:
    """Spreadsheet column letters of a 1-based column number (1 -> A, 27 -> AA)."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class RuleViolation(ValueError):
    """Raised by model validators so that callers can recover every located problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)


class DistrictFileError(ValueError):
    """The input is not a valid district file; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the district file: "
            + "; ".join(str(p) for p in self.problems[:5])
            + (" ..." if len(self.problems) > 5 else "")
        )
