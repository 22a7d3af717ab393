"""ecodistrict: indicators, symbiosis matching and settlement planning for circular districts.

The library is plain Python (no Django): functions take plain data or the district models and
return results, so the web platform, the CLI and batch workers share them.
"""

from ecodistrict.domain import (
    Company,
    DistrictFile,
    DistrictFileError,
    Flow,
    Problem,
    district_json_schema,
)
from ecodistrict.io import (
    dump_district,
    load_district_file,
    load_district_text,
    validate_district_file,
)

__version__ = "0.1.0"

__all__ = [
    "Company",
    "DistrictFile",
    "DistrictFileError",
    "Flow",
    "Problem",
    "__version__",
    "district_json_schema",
    "dump_district",
    "load_district_file",
    "load_district_text",
    "validate_district_file",
]
