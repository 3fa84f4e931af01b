"""The network's fixed lists: membership statuses, size bands, clusters, themes, SDGs
and the languages a practice may be written in. Shipped wording is translated like the
interface; codes are what the database and the files keep."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MembershipStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    MEMBER = "member", _("Member")
    LAPSED = "lapsed", _("Lapsed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CommunicationLanguage(models.TextChoices):
    # The application form offers the network's two working languages.
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


# (code, lowest population, label); a band runs up to the next band's lowest.
SIZE_BANDS = [
    ("small", 0, _("Under 100,000 people")),
    ("medium", 100_000, _("100,000 to 499,999 people")),
    ("large", 500_000, _("500,000 to 999,999 people")),
    ("very-large", 1_000_000, _("1 to 5 million people")),
    ("megacity", 5_000_000, _("More than 5 million people")),
]
SIZE_BAND_CODES = [code for code, _lowest, _label in SIZE_BANDS]


def size_band(population: int | None) -> str:
    band = SIZE_BANDS[0][0]
    for code, lowest, _label in SIZE_BANDS:
        if population is not None and population >= lowest:
            band = code
    return band


def size_band_bounds(code: str) -> tuple[int, int | None]:
    for index, (band, lowest, _label) in enumerate(SIZE_BANDS):
        if band == code:
            upper = SIZE_BANDS[index + 1][1] if index + 1 < len(SIZE_BANDS) else None
            return lowest, upper
    raise KeyError(code)


# The network's seven thematic clusters (created by a data migration; their names
# are translated while a coordinator has not renamed them).
CLUSTERS = [
    ("esd", _("Education for sustainable development")),
    ("equity-inclusion", _("Equity and inclusion")),
    ("monitoring", _("Planning, monitoring and evaluation")),
    ("gced", _("Global citizenship education")),
    ("entrepreneurship", _("Entrepreneurship")),
    ("health", _("Health and well-being")),
    ("literacy", pgettext_lazy("cluster", "Literacy")),
]
CLUSTER_NAMES = dict(CLUSTERS)

# Themes of a good practice: the equity and inclusion strategies of learning cities,
# then the areas of focus of the Key Features of Learning Cities (the monitoring
# framework's wording, so the translations are shared).
EQUITY_THEMES = [
    ("eq-access", _("Widening access to learning")),
    ("eq-vulnerable", _("Reaching vulnerable and marginalised groups")),
    ("eq-gender", _("Gender equality in learning")),
    ("eq-migrants", _("Including migrants and refugees")),
    ("eq-disability", _("Including people with disabilities")),
    ("eq-digital", _("Closing the digital divide")),
    ("eq-later-life", _("Learning in later life")),
]
KFLC_THEMES = [
    ("kflc-education", _("Inclusive learning in the education system")),
    ("kflc-community", _("Revitalised learning in families and communities")),
    ("kflc-workplace", _("Effective learning for and in the workplace")),
    ("kflc-technology", _("Extended use of modern learning technologies")),
    ("kflc-quality", _("Enhanced quality in learning")),
    ("kflc-culture", _("A vibrant culture of learning throughout life")),
]
THEMES = EQUITY_THEMES + KFLC_THEMES
THEME_NAMES = dict(THEMES)
THEME_CODES = [code for code, _label in THEMES]

SDG_NAMES = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}
SDG_CODES = [str(number) for number in SDG_NAMES]

# Languages a practice may be written or translated in: UNESCO's six and the
# languages most members write in. A fixed list, so the library can facet on it.
PRACTICE_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("ru", _("Russian")),
    ("pt", _("Portuguese")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("el", _("Greek")),
    ("fi", _("Finnish")),
    ("ko", _("Korean")),
    ("ja", _("Japanese")),
    ("tr", _("Turkish")),
    ("id", _("Indonesian")),
    ("sw", _("Swahili")),
]
PRACTICE_LANGUAGE_CODES = [code for code, _label in PRACTICE_LANGUAGES]
PRACTICE_LANGUAGE_NAMES = dict(PRACTICE_LANGUAGES)


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# -- the membership lifecycle ---------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the National Commission")
    NOT_ENDORSED = "not_endorsed", _("Not endorsed by the National Commission")
    ENDORSED = "endorsed", _("Endorsed, waiting for jurors")
    IN_REVIEW = "in_review", _("With the jurors")
    ADMITTED = "admitted", _("Admitted to the network")
    DECLINED = "declined", _("Not admitted to the network")


# Where an application counts against its National Commission's limit in a call:
# every application the commission endorsed, whatever the network decided since.
ENDORSED_STATUSES = (
    ApplicationStatus.ENDORSED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.ADMITTED,
    ApplicationStatus.DECLINED,
)


class Recommendation(models.TextChoices):
    ADMIT = "admit", _("Recommend admitting the city")
    DECLINE = "decline", _("Recommend not admitting the city")


# The challenges an applicant rates from 1 to 5 are the network's themes, in the
# clusters' wording (so their translations are shared).
CHALLENGES = CLUSTERS
CHALLENGE_CODES = [code for code, _label in CHALLENGES]

# What jurors score, each from 1 to 5.
RUBRIC = [
    ("commitment", _("Commitment of the city's leadership")),
    ("vision", _("A clear learning-city vision for the city's context")),
    ("implementation", _("Realistic plans and resources to carry it out")),
    ("inclusion", _("Equity and inclusion of all learners")),
    ("partnership", _("Partnerships across sectors and with residents")),
    ("contribution", _("What the city can bring to the network")),
]
RUBRIC_CODES = [code for code, _label in RUBRIC]
RUBRIC_NAMES = dict(RUBRIC)
SCORE_RANGE = range(1, 6)


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Received")
    MISSED = "missed", _("Not received")
