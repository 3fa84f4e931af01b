"""Pages anyone may open, not under a city: verification, credential links, status
lists and achievement descriptions."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcity.core.http import PageNotFound, absolute_url

from .forms import VerifyForm
from .models import Achievement, IssuedCredential, StatusList
from .verification import Verdict, read_credential, verify_credential

JSON_LD = "application/ld+json"


def _json(document: dict[str, object], *, filename: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=f"{JSON_LD}; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    verdict: Verdict | None = None
    form = VerifyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            data = upload.read(600 * 1024) if upload else form.cleaned_data["text"]
            read = read_credential(data)
            verdict = read if isinstance(read, Verdict) else verify_credential(read)
        else:
            status = 400
    return render(
        request, "credentials/verify.html", {"form": form, "verdict": verdict}, status=status
    )


def _credential(public_id: str) -> IssuedCredential:
    credential = (
        IssuedCredential.objects.select_related("achievement__provider")
        .filter(public_id=public_id)
        .first()
    )
    if credential is None:
        raise PageNotFound(_("There is no such credential."))
    return credential


@require_safe
def credential_link(request: HttpRequest, public_id: str) -> HttpResponse:
    """Where the QR code leads: the stored credential, verified now."""
    credential = _credential(public_id)
    verdict = verify_credential(credential.document)
    json_url = reverse("credentials_public:credential_json", kwargs={"public_id": public_id})
    return render(
        request,
        "credentials/verify.html",
        {"form": VerifyForm(), "verdict": verdict, "json_url": json_url, "from_link": True},
    )


@require_safe
def credential_json(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = _credential(public_id)
    return _json(credential.document, filename=f"credential-{credential.public_id}.json")


@require_safe
def status_list(request: HttpRequest, public_id: str) -> HttpResponse:
    listed = StatusList.objects.filter(public_id=public_id).only("document").first()
    if listed is None:
        raise PageNotFound(_("There is no such status list."))
    response = _json(listed.document)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
def achievement(request: HttpRequest, public_id: str) -> HttpResponse:
    found = (
        Achievement.objects.select_related("provider", "unit", "qualification")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise PageNotFound(_("There is no such achievement."))
    return render(
        request,
        "credentials/achievement_public.html",
        {"achievement": found, "url": absolute_url(request.path)},
    )


@require_safe
def did_document(request: HttpRequest, did: str) -> HttpResponse:
    from .vc.didkey import (
        DidError,
        public_key_from_verification_method,
    )
    from .vc.didkey import (
        did_document as document_for,
    )

    try:
        public_key_from_verification_method(did)
    except DidError:
        raise PageNotFound(_("There is no such issuer.")) from None
    return JsonResponse(document_for(did), content_type="application/did+json")
