"""Small response and lookup helpers shared by the city and network views."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from learningcity.core.http import PageNotFound

from .frameworks import NodeRow, imeta_csv
from .models import Framework, FrameworkNode
from .tables import csv_bytes, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Sequence[object]], filename: str) -> HttpResponse:
    return _download(csv_bytes(rows), "text/csv; charset=utf-8", filename)


def xlsx_response(
    sheets: Sequence[tuple[str, Iterable[Sequence[object]]]], filename: str
) -> HttpResponse:
    return _download(xlsx_bytes(sheets), XLSX, filename)


def imeta_response(rows: Sequence[NodeRow], filename: str) -> HttpResponse:
    return _download(imeta_csv(rows).encode("utf-8"), "text/csv; charset=utf-8", filename)


def framework_or_404(frameworks: "QuerySet[Framework]", slug: str) -> Framework:
    found = frameworks.filter(slug=slug).first() if _storable(slug) else None
    if found is None:
        raise PageNotFound(_("There is no framework at this address."))
    return found


def node_or_404(nodes: "QuerySet[FrameworkNode]", code: str) -> FrameworkNode:
    found = (
        nodes.filter(code=code).select_related("framework", "framework__city").first()
        if _storable(code)
        else None
    )
    if found is None:
        raise PageNotFound(_("There is no framework row with this code here."))
    return found


def _storable(text: str) -> bool:
    """PostgreSQL refuses a NUL character in a query (a 500): no row can hold one."""
    return "\x00" not in text


def form_data(request: HttpRequest) -> tuple[Any, Any]:
    """Data and files to bind a form with: on POST always (an empty submission is
    still a submission, to be told what is missing), never on GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None
