"""Fixed vocabularies: ISCED 2011 levels and the assessment outcome words."""

from django.utils.translation import gettext_lazy as _

ISCED_LEVELS = [
    (0, _("0 Early childhood education")),
    (1, _("1 Primary education")),
    (2, _("2 Lower secondary education")),
    (3, _("3 Upper secondary education")),
    (4, _("4 Post-secondary non-tertiary education")),
    (5, _("5 Short-cycle tertiary education")),
    (6, _("6 Bachelor's or equivalent")),
    (7, _("7 Master's or equivalent")),
    (8, _("8 Doctoral or equivalent")),
]

# What the city's figures count a stated group as (the person chooses; blank = not said).
GROUPS = [
    ("migrant", _("Migrant or refugee")),
    ("woman", _("Woman")),
    ("other", _("Another group")),
]
