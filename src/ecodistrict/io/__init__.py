"""Reading and writing district data: the district file (JSON/YAML)."""

from ecodistrict.io.district_file import (
    ValidationReport,
    decode_bytes,
    dump_district,
    load_district_file,
    load_district_text,
    parse_district_text,
    validate_district_file,
    validate_district_text,
)

__all__ = [
    "ValidationReport",
    "decode_bytes",
    "dump_district",
    "load_district_file",
    "load_district_text",
    "parse_district_text",
    "validate_district_file",
    "validate_district_text",
]
