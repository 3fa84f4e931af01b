from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template values. Must not touch the database: error pages use it."""
    return {
        "site_name": settings.SITE_NAME,
        "site_languages": settings.LANGUAGES,
        "map_tile_url": getattr(settings, "MAP_TILE_URL", ""),
    }
