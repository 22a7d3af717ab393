"""Validate plain data as a district file and report every problem, each located."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ecodistrict.domain.models import DistrictFile
from ecodistrict.domain.problems import Problem, RuleViolation
from ecodistrict.domain.rules import district_problems, item_label


def validate_district_data(data: Any) -> tuple[DistrictFile | None, list[Problem]]:
    """Validate already-parsed data; return the model, or None and the full list of problems."""
    try:
        return DistrictFile.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors()
    problems: list[Problem] = []
    rule_problems: list[Problem] = []
    for error in errors:
        violation = (error.get("ctx") or {}).get("error")
        if isinstance(violation, RuleViolation):
            rule_problems.extend(_relocated(violation, error, data))
        else:
            problems.append(_problem_from_error(error, data))
    # The cross-field rules run on the raw input too, so a flow with a bad field still gets its
    # other problems reported in the same pass (the model validator only runs on valid fields).
    problems.extend(district_problems(data))
    if not problems:
        problems = rule_problems  # safety net: never refuse without saying why
    return None, _unique(problems)


def _relocated(violation: RuleViolation, error: ErrorDetails, data: Any) -> list[Problem]:
    """Rule problems raised inside a Flow carry a placeholder company; put the real one."""
    company, flow, _ = _locate(tuple(error["loc"]), data)
    return [
        replace(p, company=company or p.company, flow=flow or p.flow) for p in violation.problems
    ]


def _unique(problems: Sequence[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    unique: list[Problem] = []
    for problem in problems:
        key = (problem.company, problem.flow, problem.field, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _item(container: Any, key: str, index: int) -> Any:
    if isinstance(container, Mapping):
        items = container.get(key)
        if isinstance(items, list) and 0 <= index < len(items):
            return items[index]
    return None


def _locate(loc: tuple[int | str, ...], data: Any) -> tuple[str | None, str | None, str | None]:
    company = flow = None
    rest = list(loc)
    if len(rest) >= 2 and rest[0] == "companies" and isinstance(rest[1], int):
        company_data = _item(data, "companies", rest[1])
        company = item_label(company_data, rest[1])
        rest = rest[2:]
        if len(rest) >= 2 and rest[0] == "flows" and isinstance(rest[1], int):
            flow = item_label(_item(company_data, "flows", rest[1]), rest[1])
            rest = rest[2:]
    field = ".".join(str(part) for part in rest) or None
    return company, flow, field


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: ErrorDetails) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (not part of format ecodistrict/1); check its spelling"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')} (got {_shown(value)})"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<="}.get(
            kind, "<"
        )
        shown_bound = f"{bound:g}" if isinstance(bound, int | float) else bound
        return f"must be {sign} {shown_bound} (got {_shown(value)})"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        expected = "a whole number" if kind.startswith("int") else "a number"
        return f"must be {expected} (got {_shown(value)})"
    if kind == "string_pattern_mismatch":
        return f"must use only lower-case letters, digits, '-', '_' and '.' (got {_shown(value)})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "string_type":
        return f"must be text (got {_shown(value)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of fields (got {_shown(value)})"
    if kind == "list_type":
        return f"must be a list (got {_shown(value)})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def _problem_from_error(error: ErrorDetails, data: Any) -> Problem:
    company, flow, field = _locate(tuple(error["loc"]), data)
    if not error["loc"]:
        message = (
            "a district file is a mapping with 'format: ecodistrict/1', 'district' and "
            f"'companies' (got {_shown(error.get('input'))})"
        )
        return Problem(message, code="not_a_mapping")
    return Problem(_message(error), company=company, flow=flow, field=field, code=error["type"])
