"""Demo and synthetic data, and the benchmark's tools: development data kept apart from the product's
writes (as Zulip keeps ``zilencer``). They write through the services where one exists; the synthetic
generator bulk-writes test databases only.
"""

from .data import (
    DEMO_FIRST_YEAR,
    DEMO_LAST_YEAR,
    DEMO_LAST_YEAR_MISSING,
    DEMO_NO_DATA,
    DEMO_OPEN_YEAR,
    demo_load,
    demo_plan_for,
    demo_value,
)
from .scale import (
    SCALE_AUTHOR,
    SCALE_BATCH,
    SCALE_CITY,
    SCALE_LIMITS,
    SCALE_REFERENCE_NUMBER,
    SCALE_REVIEWER,
    SCALE_SUFFIX,
    SCALE_WARD_PREFIX,
    ScaleDataError,
    ScaleProgramme,
    ScaleSummary,
    scale_data_generate,
    scale_number,
    scale_ward_code,
    scale_ward_number,
    scale_ward_slug,
)

__all__ = [
    "DEMO_FIRST_YEAR",
    "DEMO_LAST_YEAR",
    "DEMO_LAST_YEAR_MISSING",
    "DEMO_NO_DATA",
    "DEMO_OPEN_YEAR",
    "SCALE_AUTHOR",
    "SCALE_BATCH",
    "SCALE_CITY",
    "SCALE_LIMITS",
    "SCALE_REFERENCE_NUMBER",
    "SCALE_REVIEWER",
    "SCALE_SUFFIX",
    "SCALE_WARD_PREFIX",
    "ScaleDataError",
    "ScaleProgramme",
    "ScaleSummary",
    "demo_load",
    "demo_plan_for",
    "demo_value",
    "scale_data_generate",
    "scale_number",
    "scale_ward_code",
    "scale_ward_number",
    "scale_ward_slug",
]
