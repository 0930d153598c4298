"""English formats: the same day-first dates as the Vietnamese pages.

Django's ``en`` locale writes "Dec. 2, 2026" and reads 12/01/2026 as 1 December. The programme's readers
and its documents write dd/mm/yyyy whatever the language of the page, so English takes the Vietnamese
date formats; numbers keep the English separators (7.5, 12,000), which Django's ``en`` locale gives.
"""

from caugiay.formats.vi.formats import (  # noqa: F401 - the formats Django reads from this module
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
