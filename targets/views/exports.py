"""Excel downloads: the response around a workbook's bytes, and the target table as filtered on screen.

The workbooks themselves are built by ``targets/exports.py``; views only choose the data and wrap bytes.
"""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from .. import exports, permissions

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An attachment named ``filename``: an ASCII name for old clients, and the UTF-8 name (RFC 6266's
    ``filename*``) for the others, so that a Vietnamese name survives."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    fallback = exports.ascii_filename(filename)
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    # Figures are not public: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def require_export(user) -> None:
    if not permissions.can_export(user):
        raise PermissionDenied
