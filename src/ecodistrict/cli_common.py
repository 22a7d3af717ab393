"""What every command module shares: exit codes, and reading a district file or refusing it.

A module of its own because `ecodistrict.cli` imports the other command modules (cli_position,
cli_report, cli_selection), which therefore cannot import it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import NoReturn

import typer

from ecodistrict.domain.models import DistrictFile
from ecodistrict.io.district_file import ValidationReport, validate_district_file

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def refuse(source: str, problems: Iterable[object]) -> NoReturn:
    """Every problem on standard error, one per line, then the count; exit code 1."""
    count = 0
    for problem in problems:
        sys.stderr.write(f"{source}: {problem}\n")
        count += 1
    sys.stderr.write(f"{source}: {count} problem(s) found\n")
    raise typer.Exit(EXIT_INVALID)


def report_or_exit(source: str) -> ValidationReport:
    """The validation report of a valid district file (its `district` set), or every problem on
    standard error and exit code 1."""
    report = validate_district_file(source)
    if not report.ok or report.district is None:
        refuse(report.source, report.problems)
    return report


def district_or_exit(source: str) -> DistrictFile:
    """The validated district file, or every problem on standard error and exit code 1."""
    district = report_or_exit(source).district
    assert district is not None  # report_or_exit returns valid reports only
    return district
