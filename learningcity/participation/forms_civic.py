"""Forms of one-time voting by e-mail, proposal pictures and assembly management."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import LearningSite
from learningcity.core.models import City
from learningcity.core.tenancy import for_city

from .proposal_images import MAX_BYTES, MAX_IMAGES


class EmailVoteForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "We send you a link to vote, valid for 24 hours. We do not keep your address: "
            "only a coded mark that it has voted."
        ),
    )


class ProposalImagesForm(forms.Form):
    """Up to three pictures, each with its alternative text (no JavaScript needed)."""

    def __init__(self, *args: Any, slots: int = MAX_IMAGES, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, slots + 1):
            self.fields[f"image_{n}"] = forms.FileField(
                label=_("Picture %(n)s") % {"n": n},
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/jpeg,image/png,image/webp"}
                ),
                help_text=_("A JPEG, PNG or WebP file of at most 5 MB."),
            )
            self.fields[f"alt_{n}"] = forms.CharField(
                label=_("What picture %(n)s shows (alternative text)") % {"n": n},
                required=False,
                max_length=300,
                help_text=_("Required with a picture, for people who cannot see it."),
            )
        self.slots = slots

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for n in range(1, self.slots + 1):
            upload = cleaned.get(f"image_{n}")
            if upload and upload.size > MAX_BYTES:
                self.add_error(
                    f"image_{n}",
                    _("“%(name)s” is larger than 5 MB: send a smaller picture.")
                    % {"name": upload.name},
                )
            elif upload and not str(cleaned.get(f"alt_{n}", "")).strip():
                self.add_error(
                    f"alt_{n}",
                    _("Describe “%(name)s” for people who cannot see it.") % {"name": upload.name},
                )
        return cleaned

    def uploads(self) -> list[tuple[str, bytes, str]]:
        """(file name, content, alternative text) of each picture sent."""
        chosen = []
        for n in range(1, self.slots + 1):
            upload: UploadedFile | None = self.cleaned_data.get(f"image_{n}")
            if upload:
                chosen.append(
                    (
                        str(upload.name),
                        upload.read(MAX_BYTES + 1),
                        str(self.cleaned_data.get(f"alt_{n}", "")),
                    )
                )
        return chosen


class MemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person's account"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Day and time, for example 2026-03-14 18:30 (the city's time)."),
    )
    minutes_long = forms.IntegerField(
        label=_("How long (minutes)"), min_value=15, max_value=720, initial=120
    )
    site = forms.ModelChoiceField(
        label=_("Learning place (optional)"),
        queryset=LearningSite.objects.none(),
        required=False,
        empty_label=_("None: write the place below"),
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("Where people come, if it is not one of the learning places."),
    )

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = for_city(  # type: ignore[attr-defined]
            LearningSite, city
        ).order_by("name")


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; Markdown lists and links are kept, other HTML is removed."),
    )
