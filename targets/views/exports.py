"""Excel downloads: the response around a workbook's bytes, and the target table as filtered on screen.

The workbooks themselves are built by ``targets/exports.py``; views only choose the data and wrap bytes.
"""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from .. import exports, permissions, selectors
from ..filters import TargetFilter
from ..permissions import program_required
from ..tables import TargetTable

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str, *, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    """An attachment named ``filename``: an ASCII name for old clients, and the UTF-8 name (RFC 6266's
    ``filename*``) for the others, so that a Vietnamese name survives."""
    response = HttpResponse(data, content_type=content_type)
    fallback = exports.ascii_filename(filename)
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    # Figures are not public: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def require_export(user, program) -> None:
    if not permissions.can_export(user, program):
        raise PermissionDenied


@require_GET
@program_required
def target_table_export(request, program):
    """``/targets/export.xlsx``: the rows of ``/targets/`` for the same parameters (``q``, ``group``, ``unit``,
    ``status``, ``direction``, ``year`` and the table's ``sort``), every row rather than one page."""
    require_export(request.user, program)
    as_of = selectors.dashboard_as_of(program=program, year=request.GET.get("year"))
    filterset = TargetFilter(request.GET or None, queryset=selectors.program_targets(program=program), program=program)
    rows = selectors.dashboard_rows(targets=filterset.qs, as_of=as_of)
    if filterset.chosen_status:
        rows = [row for row in rows if row.status == filterset.chosen_status]
    # The table's own sorting, so that the file lists the rows in the order the screen does.
    table = TargetTable(rows, order_by=request.GET.get("sort") or None)
    ordered = [bound.record for bound in table.rows]
    data = exports.target_table_workbook(
        rows=ordered, program=program, as_of_date=as_of.date, filters=_chosen_filters(filterset)
    )
    return xlsx_response(data, exports.target_table_filename(program=program))


def _chosen_filters(filterset) -> list[tuple[str, str]]:
    """(label, what was chosen) for every filter in use, as the reader sees them on the page."""
    if not filterset.is_bound:
        return []
    filterset.form.is_valid()  # a filter with a bad value is left out, on the page as here
    chosen = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        chosen.append((str(field.label), str(value)))
    return chosen
