"""English formats: the same day-first dates as the Vietnamese pages.

Django's ``en`` locale writes "Dec. 2, 2026" and reads 12/01/2026 as 1 December. The programme's readers
and its documents write dd/mm/yyyy whatever the language of the page, so English follows the Vietnamese
order; numbers keep the English separators (7.5, 12,000).
"""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # '25/10/2026'
    "%d/%m/%y",  # '25/10/26'
    "%d-%m-%Y",  # '25-10-2026'
    "%d.%m.%Y",  # '25.10.2026'
    "%Y-%m-%d",  # '2026-10-25', what <input type="date"> sends
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
