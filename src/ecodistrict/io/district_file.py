"""Read and write district files (JSON or YAML).

YAML is read with a safe loader that also refuses duplicate keys (a later key would silently
replace an earlier one) and aliases (they allow "billion laughs" memory blow-ups and have no use
in a district file).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from ecodistrict.domain.models import DistrictFile
from ecodistrict.domain.problems import DistrictFileError, Problem
from ecodistrict.domain.validation import validate_district_data

FileFormat = Literal["json", "yaml"]

#: Refuse larger inputs outright: a district of a whole region is a few MB.
MAX_FILE_BYTES = 50 * 1024 * 1024


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _StrictSafeLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader without aliases and without duplicate mapping keys."""

    def construct_document(self, node: Any) -> Any:
        _refuse_aliases(node)
        return super().construct_document(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                continue  # unhashable keys are reported by the base class
            if key in seen:
                raise yaml.MarkedYAMLError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _refuse_aliases(root: Any) -> None:
    """An alias makes the composer reuse a node object: find any node reached twice."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in a district file", node.start_mark
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


@dataclass
class ValidationReport:
    """The outcome of reading and validating one input."""

    source: str
    district: DistrictFile | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.district is not None and not self.problems


def guess_format(name: str | None, text: str) -> FileFormat:
    """JSON for *.json or text starting with '{', YAML otherwise (YAML 1.2 reads JSON too)."""
    if name and name.lower().endswith(".json"):
        return "json"
    if name and name.lower().endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip().startswith("{") else "yaml"


def parse_district_text(text: str, fmt: FileFormat) -> Any:
    """Parse text into plain data, or raise DistrictFileError with the line and column."""
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            problem = Problem(
                f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno, code="syntax"
            )
            raise DistrictFileError([problem]) from None
    try:
        return yaml.load(text, Loader=_StrictSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "syntax error"
        problem = Problem(
            f"not valid YAML: {reason}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            code="syntax",
        )
        raise DistrictFileError([problem]) from None
    except yaml.YAMLError as exc:
        raise DistrictFileError([Problem(f"not valid YAML: {exc}", code="syntax")]) from None


def read_source(source: str | Path) -> tuple[str, str]:
    """Read a path, or standard input for '-'; return (text, display name)."""
    if str(source) == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        name = "<stdin>"
    else:
        path = Path(source)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise DistrictFileError([Problem(f"file not found: {path}", code="io")]) from None
        except IsADirectoryError:
            raise DistrictFileError([Problem(f"{path} is a directory", code="io")]) from None
        except OSError as exc:
            raise DistrictFileError(
                [Problem(f"cannot read {path}: {exc.strerror}", code="io")]
            ) from None
        name = str(path)
    return decode_bytes(data), name


def decode_bytes(data: bytes) -> str:
    """Decode an uploaded or read file as UTF-8 (with or without BOM), checking its size."""
    if len(data) > MAX_FILE_BYTES:
        raise DistrictFileError(
            [Problem(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB", code="too_large")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DistrictFileError(
            [Problem(f"not UTF-8 text (byte {exc.start} cannot be decoded)", code="encoding")]
        ) from None


def validate_district_text(
    text: str, name: str | None = None, fmt: FileFormat | None = None
) -> ValidationReport:
    """Parse and validate; never raises for bad input, returns every problem found."""
    source = name or "<text>"
    try:
        data = parse_district_text(text, fmt or guess_format(name, text))
    except DistrictFileError as exc:
        return ValidationReport(source, None, exc.problems)
    district, problems = validate_district_data(data)
    return ValidationReport(source, district, problems)


def validate_district_file(source: str | Path) -> ValidationReport:
    """Read (path or '-') and validate; never raises for bad input."""
    try:
        text, name = read_source(source)
    except DistrictFileError as exc:
        return ValidationReport(str(source), None, exc.problems)
    return validate_district_text(text, name)


def load_district_file(source: str | Path) -> DistrictFile:
    """Read and validate, or raise DistrictFileError listing every problem."""
    report = validate_district_file(source)
    if report.district is None:
        raise DistrictFileError(report.problems)
    return report.district


def load_district_text(text: str, name: str | None = None) -> DistrictFile:
    """Parse and validate text, or raise DistrictFileError listing every problem."""
    report = validate_district_text(text, name)
    if report.district is None:
        raise DistrictFileError(report.problems)
    return report.district


def district_to_data(district: DistrictFile) -> dict[str, Any]:
    """Plain data in file order, without unset optional fields."""
    return district.model_dump(mode="json", exclude_none=True)


def dump_district(district: DistrictFile, fmt: FileFormat = "yaml") -> str:
    """Serialise a district so that reading it back gives an equal model."""
    data = district_to_data(district)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
