"""Every UI string is translated into the six UNESCO languages.

The source strings are extracted afresh with ``makemessages`` (GNU gettext) and
compared with the committed catalogues, so a new string without translations fails
here, not in front of a resident."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.core.po import read_po

PACKAGE = Path(settings.BASE_DIR)
LOCALE = PACKAGE / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext is not installed (apt-get install gettext)",
)


def locale_dir(code: str) -> str:
    return code.split("-")[0] + ("_Hans" if code == "zh-hans" else "")


@pytest.fixture(scope="module")
def source_keys(tmp_path_factory) -> dict[str, set[tuple[str | None, str]]]:
    """The msgids in the code now, per domain (django and djangojs)."""
    # makemessages writes beside any ``locale`` folder it finds, so it runs on a copy
    # of the sources without the committed catalogues.
    copy = tmp_path_factory.mktemp("sources") / "learningcity"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "vendor", "__pycache__"))
    out = copy / "locale"
    out.mkdir()
    keys: dict[str, set[tuple[str | None, str]]] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        patch.setattr(settings, "LOCALE_PATHS", [out])
        for domain in ["django", "djangojs"]:
            call_command(
                "makemessages",
                locale=["en"],
                domain=domain,
                no_location=True,
                ignore_patterns=["*/vendor/*"],
                verbosity=0,
            )
            po = out / "en" / "LC_MESSAGES" / f"{domain}.po"
            keys[domain] = {entry.key for entry in read_po(po)} if po.exists() else set()
    return keys


@needs_gettext
@pytest.mark.parametrize("code", TRANSLATED)
def test_every_ui_string_has_a_translation(code, source_keys):
    missing = []
    for domain, keys in source_keys.items():
        if not keys:
            continue
        po = LOCALE / locale_dir(code) / "LC_MESSAGES" / f"{domain}.po"
        assert po.exists(), f"{po} is missing: run `make messages` and translate"
        done = {entry.key for entry in read_po(po) if entry.translated}
        missing += [f"{domain}: {msgid!r}" for _ctx, msgid in sorted(keys - done, key=str)]
    assert not missing, f"{len(missing)} strings lack a {code} translation:\n" + "\n".join(
        missing[:40]
    )


@needs_gettext
@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalogues_are_up_to_date(code, tmp_path):
    """The committed .mo says what its .po says (compared as catalogues, not bytes, so
    another gettext version compiling slightly different files does not matter)."""
    folder = LOCALE / locale_dir(code) / "LC_MESSAGES"
    for po in folder.glob("*.po"):
        compiled = tmp_path / po.with_suffix(".mo").name
        subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(po)], check=True)
        committed = po.with_suffix(".mo")
        assert committed.exists(), f"{committed} is missing: run `make messages`"
        assert _catalogue(committed) == _catalogue(compiled), f"{committed} is stale"


def _catalogue(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def test_arabic_is_right_to_left_and_the_others_are_not():
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            assert translation.get_language_bidi() == (code == "ar")
