"""The application's forms: the reporting workflow's and the annual review's. They only validate; the
services write.

Field names are a contract (scripts drive the form): ``year``, ``quarter``, ``value``, ``is_estimate``,
``note``, ``evidence_url``, ``evidence_file``, and ``unit`` when the user may report for several units.
"""

import re
import zipfile
from decimal import Decimal
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    AnnualReview,
    ProgressReport,
    ReviewReport,
    TaskReminder,
    TaskUpdate,
    YearClosure,
)

# --- Figures ------------------------------------------------------------------------------------------------

INTEGER_DIGITS = VALUE_DIGITS - VALUE_PLACES  # 14, what the database column holds before the point
_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009"), None)
_INTEGER = re.compile(r"[0-9]+")
_FRACTION = re.compile(r"[0-9]*")


_GROUPED = {".": re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+"), ",": re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")}


def _grouped(text: str, mark: str) -> bool:
    """Whether ``text`` is digits grouped by threes with ``mark``, as in 1.234.567."""
    return _GROUPED[mark].fullmatch(text) is not None


def parse_figure(raw) -> Decimal:
    """Read a figure as people type it: ``7,5`` and ``7.5`` are both seven and a half.

    A trailing per cent sign is the unit, not part of the number: ``52,7%`` is 52,7.
    Thousands separators are understood where they cannot be mistaken: ``1.234.567``, ``1 234 567``,
    ``1.234,5`` and ``1,234.5``. A single mark before exactly three digits is read as the decimal mark of
    the user's language (``67,915`` in Vietnamese); with the other mark (``1.234`` in Vietnamese, where
    the point groups thousands) it could mean a thousand times more, so it is refused with a message
    rather than guessed: such a figure would pass every other check. Exponents, NaN and infinities are
    not numbers here, nor are more than 4 decimal places or 14 digits before the mark (what the
    database stores).
    """
    text = str(raw).translate(_SPACES)
    # "52,7%" is how a rate is written in a report: the sign says the unit, the number is 52,7.
    if text.endswith("%"):
        text = text[:-1]
    negative = text[:1] in ("-", "−")
    if text[:1] in ("-", "−", "+"):
        text = text[1:]
    invalid = ValidationError(gettext("Enter a number, such as 7,5 or 7.5."), code="invalid")
    commas, points = text.count(","), text.count(".")
    if commas and points:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        integer, _mark, fraction = text.rpartition(decimal_mark)
        if not _grouped(integer, group_mark):
            raise invalid
        integer = integer.replace(group_mark, "")
    elif commas > 1 or points > 1:
        mark = "," if commas else "."
        if not _grouped(text, mark):
            raise invalid
        integer, fraction = text.replace(mark, ""), ""
    elif commas or points:
        mark = "," if commas else "."
        integer, _mark, fraction = text.partition(mark)
        integer = integer or "0"
        language_mark = formats.get_format("DECIMAL_SEPARATOR")
        if mark != language_mark and len(fraction) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", integer):
            raise ValidationError(
                gettext(
                    "“%(value)s” could be read two ways: write %(whole)s for a whole number, "
                    "or %(decimal)s for a number with decimals."
                )
                % {
                    "value": str(raw).strip(),
                    "whole": integer + fraction,
                    "decimal": f"{integer}{language_mark}{fraction}",
                },
                code="ambiguous",
            )
    else:
        integer, fraction = text, ""
    if not _INTEGER.fullmatch(integer) or not _FRACTION.fullmatch(fraction):
        raise invalid
    fraction = fraction.rstrip("0")
    if len(fraction) > VALUE_PLACES:
        raise ValidationError(
            gettext("Use at most %(places)s decimal places.") % {"places": VALUE_PLACES}, code="max_decimal_places"
        )
    if len(integer.lstrip("0")) > INTEGER_DIGITS:
        raise ValidationError(
            gettext("The number is too large: at most %(digits)s digits before the decimal mark.")
            % {"digits": INTEGER_DIGITS},
            code="max_digits",
        )
    number = Decimal(f"{integer}.{fraction or '0'}")
    return -number if negative and number else number


class FigureField(forms.CharField):
    """A number typed with a decimal comma or point (see ``parse_figure``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        return None if text in self.empty_values else parse_figure(text)


# --- Evidence files -----------------------------------------------------------------------------------------

# What each accepted extension must contain, judged by the first bytes, not by the name.
EVIDENCE_KINDS = {
    ".pdf": "pdf",
    ".doc": "ole",
    ".xls": "ole",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
}
EVIDENCE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
_MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # the compound file of Word 97 and Excel 97
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
]


# A Word document or workbook has a few dozen parts; zipfile reads its whole table of contents into
# memory on opening, and a few megabytes of it can list hundreds of thousands of empty parts.
ZIP_MAX_DIRECTORY_BYTES = 1000 * 320  # a thousand entries with long names


def zip_directory_size(upload) -> int | None:
    """The size in bytes of a ZIP archive's table of contents, read from its end record alone (zipfile
    reads exactly that many bytes of entries), or None when there is no end record."""
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(max(0, size - 65_557))  # the end record (22 bytes) and its longest comment
    tail = upload.read()
    upload.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at == -1 or len(tail) < at + 22:
        return None
    return int.from_bytes(tail[at + 12 : at + 16], "little")


def sniff_evidence(upload) -> str | None:
    """The kind of file ``upload`` really is ("pdf", "ole", "docx", "xlsx", "jpeg", "png") or None.

    Office Open XML files are ZIP archives: only their table of contents is read (no member is
    unpacked), and a Word document must hold ``word/document.xml``, a workbook ``xl/workbook.xml``.
    """
    try:
        upload.seek(0)
        head = upload.read(8)
        for magic, kind in _MAGIC:
            if head.startswith(magic):
                return kind
        if head.startswith(b"PK\x03\x04"):
            directory = zip_directory_size(upload)
            if directory is None or directory > ZIP_MAX_DIRECTORY_BYTES:
                return None
            try:
                with zipfile.ZipFile(upload) as archive:
                    names = set(archive.namelist())
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
        return None
    finally:
        upload.seek(0)


def validate_evidence_file(upload) -> None:
    """The size first (from the upload's metadata, before anything is read), then the name, then the content."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            gettext("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    expected = EVIDENCE_KINDS.get(extension)
    if expected is None:
        raise ValidationError(
            gettext("Attach a PDF, Word, Excel, JPEG or PNG file (.pdf, .doc, .docx, .xls, .xlsx, .jpg, .png)."),
            code="file_type",
        )
    if sniff_evidence(upload) != expected:
        raise ValidationError(
            gettext("The file's content is not what its name says (%(extension)s): it may be damaged or renamed.")
            % {"extension": extension},
            code="file_content",
        )


# --- The report form ----------------------------------------------------------------------------------------

QUARTER_CHOICES = [
    ("", _("Whole year")),
    (1, _("Quarter 1")),
    (2, _("Quarter 2")),
    (3, _("Quarter 3")),
    (4, _("Quarter 4")),
]
NOTE_MAX_LENGTH = ProgressReport._meta.get_field("note").max_length
COMMENT_MAX_LENGTH = ProgressReport._meta.get_field("review_comment").max_length


class ReportForm(forms.Form):
    """A new report, an edit (``version`` given) or a correction (``fixed_period`` given).

    ``units`` are the units the user may report for on this target (from ``permissions``): the choice is
    offered only when there are several, and a posted unit outside them is an error, never a write.
    """

    unit = forms.TypedChoiceField(label=_("Reporting unit"), coerce=int, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("Period"), coerce=int, empty_value=None, required=False, choices=QUARTER_CHOICES
    )
    value = FigureField(label=_("Value"), help_text=_("A decimal comma or point: 7,5 or 7.5."))
    is_estimate = forms.BooleanField(label=_("Estimate"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")
    evidence_file = forms.FileField(label=_("Evidence file"), required=False, max_length=150)

    def __init__(self, *args, target, units=(), closed_years=frozenset(), fixed_period=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.units = {unit.pk: unit for unit in units}
        self.fixed_period = fixed_period
        year_choices = []
        for year in target.program.years:
            label = gettext("%(year)s (closed)") % {"year": year} if year in closed_years else str(year)
            year_choices.append((year, label))
        self.fields["year"].choices = year_choices
        if len(self.units) > 1:
            self.fields["unit"].required = True
            self.fields["unit"].choices = [("", "---------")] + [(u.pk, u.name) for u in units]
        elif self.units:
            self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        else:
            del self.fields["unit"]  # edits and corrections keep the report's unit
        if fixed_period is not None:
            # A correction is for the approved figure's period: what the browser posts for it is ignored.
            self.initial.update({"year": fixed_period[0], "quarter": fixed_period[1]})
            self.fields["year"].disabled = True
            self.fields["quarter"].disabled = True
        self.fields["evidence_file"].help_text = gettext("PDF, Word, Excel, JPEG or PNG, at most %(limit)s.") % {
            "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)
        }

    @property
    def offers_unit_choice(self) -> bool:
        return len(self.units) > 1

    def clean_unit(self):
        unit_id = self.cleaned_data.get("unit")
        if unit_id in (None, ""):
            return next(iter(self.units.values())) if len(self.units) == 1 else None
        return self.units[unit_id]  # the field's choices already refused anything else

    def clean_note(self):
        return self.cleaned_data["note"].strip()

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            validate_evidence_file(upload)
        return upload

    def service_arguments(self) -> dict:
        """The cleaned values under the services' argument names."""
        data = self.cleaned_data
        return {
            "year": data["year"],
            "quarter": data["quarter"],
            "value": data["value"],
            "is_estimate": data["is_estimate"],
            "note": data["note"],
            "evidence_url": data["evidence_url"],
            "evidence_file": data.get("evidence_file") or None,
        }


class ReportEditForm(ReportForm):
    """Editing a draft or returned report: the version it was loaded at travels in a hidden field."""

    version = forms.IntegerField(label=_("Version"), widget=forms.HiddenInput, min_value=1)
    remove_evidence_file = forms.BooleanField(label=_("Remove the attached file"), required=False)

    def service_arguments(self) -> dict:
        return {
            **super().service_arguments(),
            "version": self.cleaned_data["version"],
            "remove_evidence_file": self.cleaned_data["remove_evidence_file"],
        }


# --- The office's decisions ---------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """Approve (no comment needed) or return (comment required, checked by the service too)."""

    comment = forms.CharField(label=_("Comment"), required=False, max_length=COMMENT_MAX_LENGTH)
    version = forms.IntegerField(label=_("Version"), widget=forms.HiddenInput, min_value=1, required=False)


class VersionForm(forms.Form):
    """Submit or withdraw from a page: the version the page showed, if it sent one."""

    version = forms.IntegerField(label=_("Version"), widget=forms.HiddenInput, min_value=1, required=False)


class _AnyIdsField(forms.TypedMultipleChoiceField):
    """A list of ids; which of them exist and may be approved is for the view and the service to say."""

    def valid_value(self, value):
        return True


class BulkApproveForm(forms.Form):
    reports = _AnyIdsField(label=_("Reports"), coerce=int)

    def clean_reports(self):
        ids = self.cleaned_data["reports"]
        # An id no database row can have (the ids are 64-bit) would overflow SQLite's integers in the query.
        if any(not 0 < report_id < 2**63 for report_id in ids):
            raise ValidationError(gettext("Some of the ticked reports do not exist."), code="invalid_id")
        if len(ids) > 500:
            raise ValidationError(gettext("Approve at most 500 reports at once."), code="too_many")
        return list(dict.fromkeys(ids))

    def versions(self) -> dict[int, int]:
        """The versions the queue showed, posted as ``version-<id>``; a missing or odd one is not checked."""
        versions = {}
        for report_id in self.cleaned_data.get("reports", []):
            raw = self.data.get(f"version-{report_id}", "")
            if raw.isdigit():
                versions[report_id] = int(raw)
        return versions


# --- The annual review ----------------------------------------------------------------------------------------

REVIEW_REASON_MAX_LENGTH = YearClosure._meta.get_field("reason").max_length
REVIEW_COMMENT_MAX_LENGTH = AnnualReview._meta.get_field("comment").max_length


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Note on the closing (optional)"),
        required=False,
        max_length=REVIEW_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the year reopened?"),
        max_length=REVIEW_REASON_MAX_LENGTH,
        # The service's own words, rather than the generic "This field is required."
        error_messages={"required": _("Say why the year is reopened.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OverrideForm(forms.Form):
    assessment = forms.ChoiceField(label=_("Assessment"), choices=AnnualReview.Assessment.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=REVIEW_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the assessment differs from the computed one."),
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class SinceForm(forms.Form):
    """The day "what changed" compares with (``?since=``, dd/mm/yyyy); empty: the last meeting."""

    since = forms.DateField(
        label=_("Changes since"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since is not None and since > timezone.localdate():
            raise forms.ValidationError(_("Choose a day that has passed."))
        return since


# --- Task updates ---------------------------------------------------------------------------------------------

# Dates are written dd/mm/yyyy in either language (Vietnamese administrative documents); ISO is what a
# date picker or a script may send.
DATE_INPUTS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
TASK_CONTENT_MAX_LENGTH = TaskUpdate._meta.get_field("content").max_length


class TaskDateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUTS)
        kwargs.setdefault("error_messages", {"invalid": _("Enter a date as dd/mm/yyyy, such as 25/10/2026.")})
        super().__init__(**kwargs)


class TaskUpdateForm(forms.Form):
    """A new update of a task, an edit (``version`` given, see ``TaskUpdateEditForm``) or a correction of an
    approved one. ``units`` are the units the user may write for on this task (``permissions``): the choice is
    offered only when there are several; a posted unit outside them is an error, never a write.

    Field names are a contract: ``date``, ``content``, ``progress``, ``is_done``, ``completed_on``,
    ``evidence_url``, ``evidence_file`` (and ``unit``)."""

    unit = forms.TypedChoiceField(label=_("Reporting unit"), coerce=int, required=False)
    date = TaskDateField(label=_("Date of the update"))
    content = forms.CharField(label=_("What was done"), max_length=TASK_CONTENT_MAX_LENGTH, widget=forms.Textarea)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": _("Enter a whole percentage between 0 and 100."),
            "min_value": _("The progress is a percentage between 0 and 100."),
            "max_value": _("The progress is a percentage between 0 and 100."),
        },
    )
    is_done = forms.BooleanField(label=_("The task is done"), required=False)
    completed_on = TaskDateField(label=_("Completed on"), required=False)
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")
    evidence_file = forms.FileField(label=_("Evidence file"), required=False, max_length=150)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        if len(self.units) > 1:
            self.fields["unit"].required = True
            self.fields["unit"].choices = [("", "---------")] + [(u.pk, u.display_name) for u in units]
        elif self.units:
            self.fields["unit"].choices = [(u.pk, u.display_name) for u in units]
        else:
            del self.fields["unit"]  # edits and corrections keep the update's unit
        self.fields["evidence_file"].help_text = gettext("PDF, Word, Excel, JPEG or PNG, at most %(limit)s.") % {
            "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)
        }

    @property
    def offers_unit_choice(self) -> bool:
        return len(self.units) > 1

    def clean_unit(self):
        unit_id = self.cleaned_data.get("unit")
        if unit_id in (None, ""):
            return next(iter(self.units.values())) if len(self.units) == 1 else None
        return self.units[unit_id]  # the field's choices already refused anything else

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if not content:
            raise ValidationError(gettext("Say what was done."), code="required")
        return content

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            validate_evidence_file(upload)
        return upload

    def clean(self):
        data = super().clean()
        # Said here as well as by the model, so that the message stands beside the field it names.
        if data.get("is_done") and not data.get("completed_on") and "completed_on" not in self.errors:
            self.add_error("completed_on", gettext("Enter the date the task was completed."))
        elif data.get("completed_on") and not data.get("is_done"):
            self.add_error(
                "completed_on", gettext("A completion date goes with “done”: tick it or leave the date empty.")
            )
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "content": data["content"],
            "progress": data["progress"],
            "is_done": data["is_done"],
            "completed_on": data["completed_on"],
            "evidence_url": data["evidence_url"],
            "evidence_file": data.get("evidence_file") or None,
        }


class TaskUpdateEditForm(TaskUpdateForm):
    """Editing a draft or returned update: the version it was loaded at travels in a hidden field."""

    version = forms.IntegerField(label=_("Version"), widget=forms.HiddenInput, min_value=1)
    remove_evidence_file = forms.BooleanField(label=_("Remove the attached file"), required=False)

    def service_arguments(self) -> dict:
        return {
            **super().service_arguments(),
            "version": self.cleaned_data["version"],
            "remove_evidence_file": self.cleaned_data["remove_evidence_file"],
        }


class CompletionForm(forms.Form):
    """The office corrects the completion date of an approved update, with a comment."""

    completed_on = TaskDateField(label=_("Completed on"))
    completion_comment = forms.CharField(label=_("Why the date changes"), max_length=COMMENT_MAX_LENGTH)
    version = forms.IntegerField(label=_("Version"), widget=forms.HiddenInput, min_value=1, required=False)


REMINDER_NOTE_MAX_LENGTH = TaskReminder._meta.get_field("note").max_length


class RemindForm(forms.Form):
    """The office's reminder (đôn đốc): the unit (the lead unit by default) and a note."""

    unit = forms.TypedChoiceField(label=_("Unit to remind"), coerce=int, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=REMINDER_NOTE_MAX_LENGTH)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["unit"].choices = [("", "---------")] + [(u.pk, u.display_name) for u in units]

    def clean_unit(self):
        unit_id = self.cleaned_data.get("unit")
        return None if unit_id in (None, "") else self.units[unit_id]


# --- The yearly review report -----------------------------------------------------------------------------------


def _report_field(name: str, **kwargs):
    field = ReviewReport._meta.get_field(name)
    textarea = isinstance(field, models.TextField)
    return forms.CharField(
        label=field.verbose_name,
        help_text=field.help_text,
        required=False,
        max_length=field.max_length,
        # Kept as typed: the service drops control characters and trims; a form must not eat a line's indent.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6 if name in ReviewReport.NARRATIVE_FIELDS else 4})
        if textarea
        else forms.TextInput,
        **kwargs,
    )


class ReviewReportForm(forms.Form):
    """The office's parts of the yearly review report, in the order of ``services.REVIEW_REPORT_FIELDS``;
    ``version`` is the one the page showed (0 for a report not saved yet)."""

    number = _report_field("number")
    dated = TaskDateField(label=ReviewReport._meta.get_field("dated").verbose_name, required=False)
    signer_on_behalf = _report_field("signer_on_behalf")
    signer_title = _report_field("signer_title")
    signer_name = _report_field("signer_name")
    recipients = _report_field("recipients")
    leadership = _report_field("leadership")
    strengths = _report_field("strengths")
    limitations = _report_field("limitations")
    causes = _report_field("causes")
    directions = _report_field("directions")
    proposals = _report_field("proposals")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=False)
