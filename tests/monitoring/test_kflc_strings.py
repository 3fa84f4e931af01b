"""The shipped KFLC wording is marked for translation and shows in the reader's
language; wording a coordinator changed shows as written."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from learningcity.monitoring.kflc_strings import KFLC_STRINGS, LEVEL_NAMES
from learningcity.monitoring.models import FrameworkNode
from learningcity.monitoring.queries import default_framework

KFLC = Path(__file__).resolve().parents[2] / "learningcity" / "monitoring" / "data" / "kflc.json"


def shipped_wording() -> set[str]:
    data = json.loads(KFLC.read_text(encoding="utf-8"))
    words = {data["name"], data["index"]["name"]}
    for area in data["areas"]:
        words.add(area["name"])
        for focus in area["focus"]:
            words.add(focus["name"])
            for feature in focus["features"]:
                indicator = feature["indicator"]
                words |= {feature["name"], indicator["name"], indicator.get("unit") or ""}
    return words - {""}


def test_every_shipped_kflc_word_is_marked_for_translation():
    assert shipped_wording() == set(KFLC_STRINGS)
    levels = json.loads(KFLC.read_text(encoding="utf-8"))["level_names"]
    with translation.override("en"):
        assert [str(name) for name in LEVEL_NAMES] == levels


@pytest.mark.django_db
def test_kflc_names_show_in_the_readers_language():
    node = FrameworkNode.objects.get(framework=default_framework(), code="A1")
    with translation.override("fr"):
        assert node.label != node.name
    with translation.override("en"):
        assert node.label == node.name


@pytest.mark.django_db
def test_a_coordinators_own_wording_shows_as_written():
    node = FrameworkNode.objects.get(framework=default_framework(), code="A1")
    node.name = "Beneficios para todos"
    with translation.override("fr"):
        assert node.label == "Beneficios para todos"
