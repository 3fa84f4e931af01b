"""Catalogue URLs, mounted at ``/<city-slug>/learn/``."""

from .urls_finder import urlpatterns as finder_patterns
from .urls_workspace import urlpatterns as workspace_patterns

app_name = "catalogue"

urlpatterns = [*finder_patterns, *workspace_patterns]
