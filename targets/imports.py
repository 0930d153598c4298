"""Reading an uploaded workbook of figures, and every check made before anything is written.

The flow is upload → preview → confirm. ``read_upload`` turns the file into rows of cell values (or says
why the file as a whole is refused); ``check_rows`` judges every row and attaches its target and unit;
the preview lists each row with its verdict. Only when every row is valid are the checked rows kept in
the session (``to_session``), never sent back through the browser; the confirmation checks them again
(``from_session`` then ``check_rows``: a year may have been closed in between) and hands them to
``services.import_confirm``, which writes all of them or none.

The file is opened by openpyxl in read-only mode, which streams the sheet's XML instead of building the
whole workbook, and openpyxl parses that XML with defusedxml when it is installed (it is, see
requirements.txt), which refuses entity tricks. The size is checked before a byte is read, the archive's
unpacked size before it is unpacked, then every XML part is counted against what a real template of
``IMPORT_MAX_ROWS`` rows holds (``_check_parts``) before openpyxl sees it; only the template's columns
and rows are read, and reading stops at a deadline (``IMPORT_READ_SECONDS``).
"""

import secrets
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from . import permissions, selectors
from .exports import FIGURE_COLUMNS
from .forms import ZIP_MAX_DIRECTORY_BYTES, parse_figure, sniff_evidence, zip_directory_size
from .models import Program, ProgressReport, Target
from .services.imports import repeated_period_refusal
from .services.reporting import closed_year_refusal, open_duplicate_refusal
from .text import fold

SESSION_KEY = "figure_import"

# An .xlsx is a ZIP archive; a small file may unpack to a huge one (a "zip bomb"). What a sheet of
# IMPORT_MAX_ROWS rows needs unpacked is far below this multiple of the upload limit.
UNPACKED_RATIO = 20

COLUMN_KEYS = [key for key, _label in FIGURE_COLUMNS]
COLUMN_LABELS = dict(FIGURE_COLUMNS)
COL = {key: index for index, key in enumerate(COLUMN_KEYS)}

NOTE_MAX_LENGTH = ProgressReport._meta.get_field("note").max_length


class UploadForm(forms.Form):
    """The file, and the programme it is for among ``programs`` (those the user may import into; a hidden
    field when there is one)."""

    program = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Program.objects.none(),
        to_field_name="slug",
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of your programmes.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        programs = list(programs)
        field.queryset = Program.objects.filter(pk__in=[p.pk for p in programs]).order_by("-issued_on", "number")
        if len(programs) == 1:
            field.widget = forms.HiddenInput()
            field.initial = programs[0].slug


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    approve = forms.BooleanField(label=gettext_lazy("Approve the figures at once"), required=False)


# --- Reading the file ---------------------------------------------------------------------------------------


class FileRefused(Exception):
    """The file as a whole cannot be imported; ``messages`` say why."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


def _header_names(columns=FIGURE_COLUMNS) -> list[set[str]]:
    """For each column, its header as written in every language of the site (folded), and its key."""
    names = [{fold(key.replace("_", " "))} for key, _label in columns]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for index, (_key, label) in enumerate(columns):
                names[index].add(fold(str(label)))
    return names


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_upload(upload, *, columns=FIGURE_COLUMNS) -> list[tuple[int, tuple]]:
    """The rows under the header as (row number, one value per column of ``columns``: the figures' eight
    by default, the task list's for ``task_imports``), blank rows left out.

    Raises ``FileRefused`` for a file that is not an .xlsx workbook, is too large, corrupt or empty, has
    wrong headers or more rows than ``IMPORT_MAX_ROWS``. A cell formatted as a percentage holds 0.95 for
    "95 %"; it is read as 95, the way figures in percent are reported.
    """
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise FileRefused(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if PurePath(upload.name or "").suffix.lower() != ".xlsx":
        raise FileRefused(_("Upload an Excel workbook (.xlsx), such as the template of this page."))
    if upload.size == 0:
        raise FileRefused(_("The file is empty."))
    directory = zip_directory_size(upload)
    if directory is not None and directory > ZIP_MAX_DIRECTORY_BYTES:
        raise FileRefused(
            _("The workbook has far more parts than an Excel file of figures; copy your figures into the template.")
        )
    if sniff_evidence(upload) != "xlsx":
        raise FileRefused(_("The file is not a readable Excel workbook: it may be damaged, or another kind renamed."))
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > limit * UNPACKED_RATIO:
                raise FileRefused(_("The workbook unpacks to more data than an import may hold."))
            _check_parts(archive, members, deadline=time.monotonic() + settings.IMPORT_READ_SECONDS)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError, etree.LxmlError):
        # A part whose header lies about its size ends in a bad CRC: zipfile never unpacks more than it says.
        raise FileRefused(_("The file is not a readable Excel workbook: it may be damaged.")) from None
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise FileRefused(_("The file is not a readable Excel workbook: it may be damaged.")) from None
    try:
        return _read_rows(workbook, deadline=time.monotonic() + settings.IMPORT_READ_SECONDS, columns=columns)
    except FileRefused:
        raise
    except Exception:
        raise FileRefused(_("The file is not a readable Excel workbook: it may be damaged.")) from None
    finally:
        workbook.close()


# --- What a real template may hold ----------------------------------------------------------------------------
#
# openpyxl builds whole rows before a caller can cut them, fills missing rows and cells up to the sheet's
# declared size, and reads the shared strings and styles whole, all at load time. So before openpyxl sees
# the file, every XML part is streamed once through lxml with a parser *target* (callbacks, no tree built:
# constant memory) that counts what a real template of IMPORT_MAX_ROWS rows could hold, and stops at the
# first count over it. Each part's unpacked size (from the archive's directory; zipfile never unpacks more
# than that, a lie ends in a bad CRC) is bounded the same way before a byte of it is read.

# Unpacked bytes a row of the template may take in a sheet, or in the shared strings: eight cells of
# markup, the target's name and a note of a few hundred Vietnamese characters (up to 3 bytes each).
ROW_BYTES = 4096
# Cells a row may hold: the template's eight and room for a few columns a user added beside them.
ROW_MAX_CELLS = 64
# XML elements a sheet or the shared strings may hold per row (a cell is two or three: c, v or is/t).
ROW_MAX_ELEMENTS = 64
# The other parts (styles, workbook, relationships, properties, theme): a real one is tens of kilobytes;
# a workbook with a thousand formats stays far below these.
PART_MAX_BYTES = 2 * 1024 * 1024
PART_MAX_ELEMENTS = 50_000
MAX_PARTS = 200


class _Counter:
    """An lxml parser target: counts rows, cells per row and elements, and refuses the first one too many."""

    def __init__(self, *, kind: str, max_rows: int, deadline: float):
        self.kind = kind
        self.max_rows = max_rows
        self.max_elements = (max_rows + 1) * ROW_MAX_ELEMENTS if kind in ("sheet", "strings") else PART_MAX_ELEMENTS
        self.deadline = deadline
        self.elements = 0
        self.row = 0
        self.cells = 0
        self.refused: FileRefused | None = None

    def start(self, tag, attrib):
        if self.refused is None:
            try:
                self._count(tag, attrib)
            except FileRefused as refused:
                # lxml would carry on parsing the rest of the data fed to it: stop counting, and let the
                # loop that feeds it raise this after the current chunk.
                self.refused = refused

    def _count(self, tag, attrib):
        self.elements += 1
        if self.elements > self.max_elements:
            raise _too_many_elements(self.kind, self.max_rows)
        if not self.elements & 1023 and time.monotonic() > self.deadline:
            raise FileRefused(_too_slow())
        if self.kind != "sheet":
            return
        name = tag.rpartition("}")[2]
        if name == "row":
            # A row says its number; the rows it skips are blank rows and count toward the limit too.
            number = attrib.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.cells = 0
            if self.row > self.max_rows + 1:  # + the header
                raise FileRefused(_too_many_rows(self.max_rows))
        elif name == "c":
            self.cells += 1
            if self.cells > ROW_MAX_CELLS:
                raise FileRefused(
                    _(
                        "Row %(row)s holds more than %(max)s cells, where the template has %(width)s columns. "
                        "Copy your figures into the template."
                    )
                    % {"row": self.row, "max": ROW_MAX_CELLS, "width": len(COLUMN_KEYS)}
                )

    def close(self):
        return None


def upload_rows(form, **options) -> list[tuple[int, tuple]] | None:
    """The rows of the file of a valid upload ``form`` (``read_upload`` with ``options``), or None with every
    reason the file is refused added to the form's ``file`` field."""
    try:
        return read_upload(form.cleaned_data["file"], **options)
    except FileRefused as refused:
        for message in refused.messages:
            form.add_error("file", message)
        return None


def _too_many_rows(max_rows: int) -> str:
    return _(
        "The file has more than %(max)s rows (empty rows count too); delete the empty rows under your figures "
        "or split it into several files."
    ) % {"max": max_rows}


def _too_slow() -> str:
    return _("The workbook takes too long to read; copy your figures into the template and upload that.")


def _too_many_elements(kind: str, max_rows: int) -> FileRefused:
    if kind == "sheet":
        return FileRefused(
            _("A sheet of the workbook holds more cells than a template of %(max)s rows.") % {"max": max_rows}
        )
    if kind == "strings":
        return FileRefused(_("The workbook holds more text than a template of %(max)s rows.") % {"max": max_rows})
    if kind == "styles":
        return FileRefused(
            _("The workbook holds far more formatting than a template; copy your figures into the template.")
        )
    return FileRefused(
        _("The workbook holds a part far larger than a template has; copy your figures into the template.")
    )


def _kind(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
        return "sheet"
    if lowered.endswith("sharedstrings.xml"):
        return "strings"
    if lowered.endswith("styles.xml"):
        return "styles"
    return "other"


def _check_parts(archive: zipfile.ZipFile, members, *, deadline: float) -> None:
    """Refuse the workbook unless every XML part is within what a real template of IMPORT_MAX_ROWS rows needs."""
    max_rows = settings.IMPORT_MAX_ROWS
    if len(members) > MAX_PARTS:
        raise FileRefused(
            _("The workbook has far more parts than an Excel file of figures; copy your figures into the template.")
        )
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels")):
            continue  # pictures, printer settings…: openpyxl does not read them in read-only mode
        kind = _kind(member.filename)
        most = (max_rows + 1) * ROW_BYTES if kind in ("sheet", "strings") else PART_MAX_BYTES
        if member.file_size > most:
            size = {"size": filesizeformat(member.file_size), "limit": filesizeformat(most), "max": max_rows}
            if kind == "sheet":
                message = _(
                    "A sheet of the workbook unpacks to %(size)s; a template of %(max)s rows needs at most %(limit)s."
                )
            elif kind == "strings":
                message = _(
                    "The workbook's text unpacks to %(size)s; a template of %(max)s rows needs at most %(limit)s."
                )
            elif kind == "styles":
                message = _("The workbook's formatting unpacks to %(size)s; a template needs at most %(limit)s.")
            else:
                message = _("A part of the workbook unpacks to %(size)s; a template's parts need at most %(limit)s.")
            raise FileRefused(message % size)
        counter = _Counter(kind=kind, max_rows=max_rows, deadline=deadline)
        parser = etree.XMLParser(
            target=counter,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        with archive.open(member) as stream:
            while chunk := stream.read(65536):
                parser.feed(chunk)
                if counter.refused is not None:
                    raise counter.refused
        parser.close()


def _cell_value(cell):
    value = getattr(cell, "value", None)
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", "") or "")
    ):
        return Decimal(str(value)) * 100
    return value


def _read_rows(workbook, *, deadline: float, columns=FIGURE_COLUMNS) -> list[tuple[int, tuple]]:
    if not workbook.worksheets:
        raise FileRefused(_("The file is empty."))
    sheet = workbook.worksheets[0]
    width = len(columns)
    labels = dict(columns)
    max_rows = settings.IMPORT_MAX_ROWS
    # Only the template's columns and the rows the limit allows (+ the header), whatever size the sheet
    # claims: openpyxl would otherwise fill in every cell up to its declared dimension.
    rows = sheet.iter_rows(min_row=1, max_row=max_rows + 1, max_col=width)
    header = next(rows, None)
    header_values = [_cell_value(c) for c in header or ()]
    if not any(not _is_blank(v) for v in header_values):
        raise FileRefused(_("The file is empty: the first row should hold the headers of the template."))
    header_values = (header_values + [None] * width)[:width]
    problems = []
    for index, (names, value) in enumerate(zip(_header_names(columns), header_values, strict=True)):
        if fold(str(value or "")) not in names:
            problems.append(
                _("Column %(column)s: the header should be “%(expected)s”, not “%(found)s”.")
                % {
                    "column": get_column_letter(index + 1),
                    "expected": labels[columns[index][0]],
                    "found": "" if value is None else str(value).strip(),
                }
            )
    if problems:
        raise FileRefused(
            _("The headers are not those of the template. Download the template and copy your figures into it."),
            *problems,
        )
    out = []
    for number, row in enumerate(rows, start=2):
        if not number & 255 and time.monotonic() > deadline:
            raise FileRefused(_too_slow())
        values = ([_cell_value(c) for c in row] + [None] * width)[:width]
        if all(_is_blank(v) for v in values):
            continue
        out.append((number, tuple(values)))
    if not out:
        raise FileRefused(_("The file has no rows of figures under the headers."))
    return out


# --- Checking the rows --------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    """One row of the file: what was typed, what it means, and what is wrong with it."""

    number: int  # the row number in Excel
    typed: dict[str, str]  # what the user typed, per column key, for the preview
    code: str = ""
    year: int | None = None
    quarter: int | None = None
    value: Decimal | None = None
    is_estimate: bool = False
    note: str = ""
    target: Target | None = None
    unit: object = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)
    skipped: bool = False
    corrects: Decimal | None = None  # the approved figure this one will supersede once approved

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.skipped

    def error(self, column: str, message: str) -> None:
        self.errors.append((str(COLUMN_LABELS.get(column, column)), message))


@dataclass
class ImportCheck:
    """The rows of an upload, each with its verdict (``is_valid``, ``errors``, ``skipped``): the figures'
    rows here, the task updates' rows in ``task_update_imports``."""

    rows: list

    @property
    def valid_rows(self) -> list:
        return [row for row in self.rows if row.is_valid]

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if row.errors]

    @property
    def skipped_rows(self) -> list:
        return [row for row in self.rows if row.skipped]

    @property
    def is_valid(self) -> bool:
        return not self.error_rows and bool(self.valid_rows)


def _typed(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal) and value.is_finite():
        return format(value.normalize(), "f")
    return str(value).strip()


def _whole_number(value) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value != int(value):
            raise ValueError
        return int(value)
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError
    return int(text)


def _figure(value) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a number, such as 7,5 or 7.5."))
    if isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, float):
        # str() first: the float 0.1 is not the decimal 0.1; Excel stored what the user typed as a double.
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        # A number cell is unambiguous (1.234 is not a thousand); its digits are the model's to check.
        if not value.is_finite():
            raise ValidationError(_("Enter a number, such as 7,5 or 7.5."))
        return value
    if not isinstance(value, str):
        raise ValidationError(_("Enter a number, such as 7,5 or 7.5."))
    return parse_figure(str(value).strip())  # "52,7%" is 52,7 there, as in the form


def _yes_no_words() -> tuple[set[str], set[str]]:
    yes = {"x", "1", "yes", "y", "true", "co", "uoc", "so uoc"}
    no = {"", "0", "no", "n", "false", "khong", "chinh thuc"}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yes.add(fold(_("yes")))
            no.add(fold(_("no")))
    return yes, no


def _estimate(value, yes: set[str], no: set[str]) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float | Decimal):
        if value in (0, 1):
            return bool(value)
        raise ValueError
    word = fold(str(value))
    if word in yes:
        return True
    if word in no:
        return False
    raise ValueError


def check_rows(raw_rows: list[tuple[int, tuple]], *, user, program) -> ImportCheck:
    """Judge every row for ``user`` in ``program`` by the rules the services apply, with their messages
    (``permissions.reporting_refusal``, ``closed_year_refusal``, ``open_duplicate_refusal``,
    ``repeated_period_refusal``). 7 queries whatever the number of rows (targets, the targets the user may
    report on, the user's units and supporting links, closed years, the open and approved reports of the
    period)."""
    yes, no = _yes_no_words()
    by_code = {t.code.upper(): t for t in program.targets.select_related("lead_unit").order_by("order", "code")}
    for target in by_code.values():
        target.program = program  # the model's clean() reads it: no query per row
    allowed = set(permissions.reportable_targets(user).filter(program=program).values_list("pk", flat=True))
    closed = selectors.closed_years(program=program)
    rows: list[ImportRow] = []
    for number, values in raw_rows:
        row = ImportRow(number=number, typed={key: _typed(values[COL[key]]) for key in COLUMN_KEYS})
        rows.append(row)
        code = row.typed["code"]
        row.code = code
        if not code:
            row.error("code", _("The target's code is missing."))
        else:
            row.target = by_code.get(code.upper())
            if row.target is None:
                row.error(
                    "code",
                    _("No target has the code “%(code)s” in programme %(program)s.")
                    % {"code": code, "program": program.number},
                )
            elif row.target.pk not in allowed:
                row.error("code", permissions.report_on_refusal(row.target))

        raw_year = values[COL["year"]]
        if _is_blank(raw_year):
            row.error("year", _("The year is missing."))
        else:
            try:
                row.year = _whole_number(raw_year)
            except ValueError:
                row.error("year", _("“%(value)s” is not a year.") % {"value": row.typed["year"]})
            else:
                if not program.contains_year(row.year):
                    row.error(
                        "year",
                        _("The year %(year)s is outside the programme (%(first)s–%(last)s).")
                        % {"year": row.year, "first": program.first_year, "last": program.last_year},
                    )
                elif row.year in closed:
                    row.error("year", closed_year_refusal(row.year))

        raw_quarter = values[COL["quarter"]]
        if not _is_blank(raw_quarter):
            try:
                row.quarter = _whole_number(raw_quarter)
                if not 1 <= row.quarter <= 4:
                    raise ValueError
            except ValueError:
                row.quarter = None
                row.error(
                    "quarter",
                    _("“%(value)s” is not a quarter: write 1, 2, 3 or 4, or leave it empty for the whole year.")
                    % {"value": row.typed["quarter"]},
                )

        note = values[COL["note"]]
        row.note = "" if note is None else _typed(note)
        if len(row.note) > NOTE_MAX_LENGTH:
            row.error("note", _("At most %(max)s characters, please.") % {"max": NOTE_MAX_LENGTH})
        raw_value = values[COL["value"]]
        if _is_blank(raw_value):
            if row.note:
                row.error("value", _("The value is missing (the row has a note)."))
            else:
                # A template row left empty: the user reports nothing for that target.
                row.skipped = True
                row.errors.clear()
                continue
        else:
            try:
                row.value = _figure(raw_value)
            except ValidationError as error:
                row.error("value", " ".join(error.messages))

        try:
            row.is_estimate = _estimate(values[COL["is_estimate"]], yes, no)
        except ValueError:
            row.error(
                "is_estimate",
                _("“%(value)s” is neither yes nor no.") % {"value": row.typed["is_estimate"]},
            )

    _check_duplicates(rows)
    _attach_units_and_reports(rows, user=user, program=program)
    for row in rows:
        if row.is_valid:
            _check_model(row, user)
    return ImportCheck(rows=rows)


def _check_duplicates(rows: list[ImportRow]) -> None:
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.skipped or row.target is None or row.year is None:
            continue
        key = (row.target.pk, row.year, row.quarter)
        if key in seen:
            row.error(
                "code",
                repeated_period_refusal(first_row=seen[key], code=row.target.code, year=row.year, quarter=row.quarter),
            )
        else:
            seen[key] = row.number


def _attach_units_and_reports(rows: list[ImportRow], *, user, program) -> None:
    """The reporting unit of each row, and what the workflow already holds for its period: a report being
    worked on refuses the row (edit that one instead), an approved figure makes the row its correction."""
    candidates = [row for row in rows if row.target is not None and not row.skipped]
    if not candidates:
        return
    targets = list({row.target.pk: row.target for row in candidates}.values())
    units = permissions.reporting_unit_by_target(user, targets)
    unit_ids = {unit.pk for unit in units.values()}
    years = {row.year for row in candidates if row.year is not None}
    existing = {}
    if unit_ids and years:
        for report in (
            ProgressReport.objects.filter(target__program=program, unit_id__in=unit_ids, year__in=years)
            .filter(Q(status__in=permissions.REPORT_OPEN) | Q(status=ProgressReport.Status.APPROVED))
            .only("pk", "target_id", "unit_id", "year", "quarter", "status", "value")
        ):
            existing.setdefault((report.target_id, report.unit_id, report.year, report.quarter), []).append(report)
    for row in candidates:
        row.unit = units.get(row.target.pk)
        if row.unit is None:
            if not any(column == str(COLUMN_LABELS["code"]) for column, _message in row.errors):
                row.error("code", permissions.report_on_refusal(row.target))
            continue
        if row.year is None:
            continue
        for report in existing.get((row.target.pk, row.unit.pk, row.year, row.quarter), []):
            if report.status == ProgressReport.Status.APPROVED:
                row.corrects = report.value
            else:
                row.error("year", open_duplicate_refusal(unit=row.unit, other=report))


MODEL_COLUMNS = {"year": "year", "quarter": "quarter", "value": "value", "is_estimate": "is_estimate", "note": "note"}


def _check_model(row: ImportRow, user) -> None:
    """The model's own rules (digits of the value, length of the note, …) without touching the database."""
    report = ProgressReport(
        target=row.target,
        unit=row.unit,
        year=row.year,
        quarter=row.quarter,
        value=row.value,
        is_estimate=row.is_estimate,
        note=row.note,
        author=user,
        status=ProgressReport.Status.SUBMITTED,
    )
    try:
        report.clean_own_fields()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = MODEL_COLUMNS.get(name, "code")
            for message in messages:
                row.error(column, message)


# --- Between the preview and the confirmation ---------------------------------------------------------------


def rows_keep(session, key: str, *, program, rows: list) -> str:
    """Keep ``rows`` (plain values) of an import of ``program`` in the session under ``key`` and a fresh
    token, for its confirmation; returns the token. Every import keeps its rows this way."""
    token = secrets.token_urlsafe(16)
    session[key] = {"token": token, "program": program.pk, "rows": rows}
    return token


def _kept(session, key: str, token: str) -> dict | None:
    stored = session.get(key)
    if not stored or not token or not secrets.compare_digest(str(stored.get("token", "")), str(token)):
        return None
    return stored


def rows_kept(session, key: str, token: str, *, program) -> list | None:
    """The rows ``rows_keep`` kept under ``key`` for ``token`` and ``program``, or None if there are none."""
    stored = _kept(session, key, token)
    if stored is None or stored.get("program") != program.pk:
        return None
    return stored["rows"]


def to_session(session, check: ImportCheck, *, program) -> str:
    """Keep the valid rows (plain values only) in the session under a fresh token, for the confirmation."""
    rows = [
        [row.number, row.target.code, row.year, row.quarter, format(row.value, "f"), row.is_estimate, row.note]
        for row in check.valid_rows
    ]
    return rows_keep(session, SESSION_KEY, program=program, rows=rows)


def session_program_id(session, token: str) -> int | None:
    """The id of the programme whose rows are kept for ``token``, or None if there are none."""
    stored = _kept(session, SESSION_KEY, token)
    return None if stored is None else stored.get("program")


def from_session(session, token: str, *, program) -> list[tuple[int, tuple]] | None:
    """The rows kept for ``token``, in the shape ``read_upload`` gives, or None if there are none."""
    kept = rows_kept(session, SESSION_KEY, token, program=program)
    if kept is None:
        return None
    raw = []
    for number, code, year, quarter, value, is_estimate, note in kept:
        values = [None] * len(COLUMN_KEYS)
        values[COL["code"]] = code
        values[COL["year"]] = year
        values[COL["quarter"]] = quarter
        values[COL["value"]] = Decimal(value)
        values[COL["is_estimate"]] = is_estimate
        values[COL["note"]] = note
        raw.append((number, tuple(values)))
    return raw


def forget(session) -> None:
    session.pop(SESSION_KEY, None)
