"""The fields of a good-practice case, in one place: the form, the revisions, the
comparison of revisions, the search index, the CSV export and the case page all
read this list."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PracticeField:
    name: str
    label: Any  # a lazy translation
    kind: str  # "line", "text", "email", "choice", "multi"
    max_length: int = 0
    required: bool = False
    translatable: bool = False
    help_text: Any = ""


FIELDS = [
    PracticeField("title", _("Title"), "line", 200, True, True),
    PracticeField(
        "summary",
        _("Summary"),
        "text",
        1000,
        True,
        True,
        _("Two or three sentences: what the city did and what changed."),
    ),
    PracticeField("problem", _("The problem"), "text", 4000, True, True),
    PracticeField("actions", _("What was done"), "text", 6000, True, True),
    PracticeField(
        "target_groups",
        _("Target groups"),
        "text",
        500,
        False,
        True,
        _("Who the practice is for: for example older people, migrant women, school leavers."),
    ),
    PracticeField("themes", _("Themes"), "multi", required=True),
    PracticeField("sdgs", _("Sustainable Development Goals"), "multi"),
    PracticeField("partners", _("Partners"), "text", 1000, False, True),
    PracticeField("resources", _("Resources and budget"), "text", 2000, False, True),
    PracticeField("results", _("Results"), "text", 4000, True, True),
    PracticeField(
        "evidence",
        _("Evidence of the results"),
        "text",
        2000,
        False,
        True,
        _("Figures, evaluations or reports that show the results, with links."),
    ),
    PracticeField("lessons", _("Lessons learnt"), "text", 3000, False, True),
    PracticeField("contact_name", _("Contact person"), "line", 120),
    PracticeField("contact_organisation", _("Contact organisation"), "line", 160),
    PracticeField("contact_email", _("Contact e-mail"), "email", 254),
    PracticeField("language", _("Language it is written in"), "choice", required=True),
]
FIELD_NAMES = [field.name for field in FIELDS]
BY_NAME = {field.name: field for field in FIELDS}
TRANSLATABLE = [field.name for field in FIELDS if field.translatable]
# The text a search and the similarity read (besides the title).
BODY_FIELDS = ["summary", "problem", "actions", "target_groups", "results", "lessons"]


def empty_data() -> dict[str, Any]:
    data: dict[str, Any] = {field.name: [] if field.kind == "multi" else "" for field in FIELDS}
    data["translations"] = {}
    return data


def normalised(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with every field present (older revisions may lack new fields)."""
    return {**empty_data(), **{key: value for key, value in data.items() if value is not None}}


def in_language(data: dict[str, Any], language: str) -> dict[str, Any]:
    """The wording to show a reader of ``language``: a translation's fields where it
    has them, else the original."""
    translation = (data.get("translations") or {}).get(language) or {}
    return {
        **data,
        **{
            name: translation[name]
            for name in TRANSLATABLE
            if str(translation.get(name, "")).strip()
        },
    }
