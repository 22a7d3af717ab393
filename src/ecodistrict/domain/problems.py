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
    """

    message: str
    company: str | None = None
    flow: str | None = None
    field: str | None = None
    line: int | None = None
    column: int | None = None
    code: str = "invalid"

    def location(self) -> str:
        parts: list[str] = []
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
        return {
            "company": self.company,
            "flow": self.flow,
            "field": self.field,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "text": str(self),
        }


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
