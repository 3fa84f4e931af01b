"""WSGI entry point for gunicorn: ``gunicorn learningcity.wsgi``."""

import gc
import os
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings")
application = get_wsgi_application()
# Import every view now rather than on the first request: a new worker answers its
# first request at once, and with ``gunicorn --preload`` the imported code (pandas and
# SciPy among it) is loaded once in the master and shared by every worker it forks.
import_module(settings.ROOT_URLCONF)


def _compile_templates() -> None:
    """Compile every template into the (cached) loaders now, for the same reasons."""
    for engine in engines.all():
        folders = [*engine.dirs, *get_app_template_dirs("templates")]
        for folder in (Path(str(each)) for each in folders):
            for path in folder.rglob("*.html"):
                try:
                    engine.get_template(path.relative_to(folder).as_posix())
                except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                    continue  # a vendored or partial file: compiled when used, if ever


if not settings.DEBUG:  # with DEBUG on, templates are reloaded when they change
    _compile_templates()
    # A few finder pages answered here, so that what they build is shared by every
    # worker forked from a preloaded master (see catalogue/warm_up.py). Only under
    # gunicorn (its arbiter sets SERVER_SOFTWARE before loading the app): anywhere else
    # (tests, scripts importing the app) closing the connections would cut the caller's.
    if (
        os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/")
        and os.environ.get("LEARNINGCITY_WARM_UP", "1") != "0"
    ):
        from learningcity.catalogue.warm_up import warm_up

        warm_up(application)
# Keep the garbage collector off the objects imported so far: its passes would write to
# every one of them, copying the master's shared pages into each worker.
gc.freeze()
