"""Forms of peer learning: they read what a person typed; ``peer_services`` checks
and saves (its refusals come back onto the form's fields)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

from .forms import NoNulMixin
from .models_peer import POST_MAX_CHARS

MARKDOWN_HELP = _(
    "Plain text. You may use Markdown: *emphasis*, **strong**, lists and links; "
    "other formatting is removed."
)


def city_field(cities: list[City], *, allow_network: bool) -> forms.ChoiceField:
    choices: list[tuple[str, Any]] = [(city.slug, city.name) for city in cities]
    if allow_network:
        choices.append(("", _("The network's coordinators")))
    return forms.ChoiceField(label=_("Write for"), choices=choices, required=not allow_network)


class PostForm(NoNulMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea,
        max_length=POST_MAX_CHARS,
        help_text=MARKDOWN_HELP,
    )

    def __init__(
        self, *args: object, cities: list[City], allow_network: bool, reply: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if reply:
            del self.fields["title"]
            self.fields["body"].label = _("Your reply")
        if len(cities) + int(allow_network) > 1:
            self.fields["city"] = city_field(cities, allow_network=allow_network)


class ReasonForm(NoNulMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=1000)


class ExchangeRequestForm(NoNulMixin, forms.Form):
    to_city = forms.ChoiceField(label=_("City to ask"))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea,
        max_length=3000,
        help_text=_("What your city would like to learn, and how (a visit, a call, documents)."),
    )

    def __init__(self, *args: object, cities: list[City], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to_city"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (city.slug, city.name) for city in cities
        ]


class AnswerForm(NoNulMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the asking city"), widget=forms.Textarea, max_length=2000, required=False
    )


class OutcomeForm(NoNulMixin, forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea,
        max_length=3000,
        help_text=_("What happened, and what each city took from it."),
    )
