"""Issue 8: charts in Arabic, numbers and dates in the reader's notation, plurals,
notes the system writes, and no e-mail address on a public page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from learningcity.monitoring import charts, services
from learningcity.monitoring.models import IndexRun
from learningcity.monitoring.queries import default_framework
from learningcity.monitoring.run_notes import note_text
from tests.conftest import client_for, make_user

from .test_dashboards import build_network

pytestmark = pytest.mark.django_db


def in_language(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def svg_of(page: str, chart_id: str) -> str:
    match = re.search(rf'<svg[^>]*aria-labelledby="{chart_id}-title.*?</svg>', page, re.S)
    assert match, f"no chart {chart_id}"
    return match.group(0)


def texts(svg: str) -> list[tuple[float, str, str]]:
    return [
        (float(x), anchor, text)
        for x, anchor, text in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" fill="[^"]+" text-anchor="(\w+)">([^<]*)</text>', svg
        )
    ]


def test_city_bar_chart_in_arabic_is_mirrored_with_whole_labels_and_values_beside_bars():
    _framework, made, _run = build_network(4)
    page = in_language("ar").get(f"/{made[0].slug}/monitoring/").content.decode()
    svg = svg_of(page, "chart-areas")
    assert 'direction="rtl"' in svg
    found = texts(svg)
    # The area names are shown in the reader's language where the catalogue has them.
    with translation.override("ar"):
        names = {translation.gettext("Learning"), translation.gettext("Conditions")}
    labels = [item for item in found if item[2] in names]
    assert len(labels) == 2
    # A label starts at the right-hand edge and runs leftwards inside the chart.
    assert all(x > charts.WIDTH - 20 and anchor == "start" for x, anchor, _ in labels)
    rects = [
        (float(x), float(width))
        for x, width in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    ]
    values = [item for item in found if re.fullmatch(r"[\d,.]+|—", item[2])]
    assert len(rects) == len(values) == 2
    for (left, _width), (value_x, _anchor, _text) in zip(rects, values, strict=True):
        assert value_x < left - 4  # written beyond the bar's end, not on it


def test_english_bar_chart_keeps_values_after_the_bar_and_the_median_tick():
    with translation.override("en"):
        svg = charts.bar_chart(
            [charts.Bar("Learning", 40, marker=70)], chart_id="c", title="T", description="D"
        )
    assert 'direction="ltr"' in svg
    tick = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    value_x = next(x for x, _a, text in texts(svg) if text == "40.0")
    assert value_x > tick + 4


def test_network_rank_chart_in_arabic_shows_the_city_names_inside_the_chart():
    build_network(4)
    page = in_language("ar").get("/network/monitoring/").content.decode()
    svg = svg_of(page, "chart-ranks")
    names = [item for item in texts(svg) if item[2].startswith("Town")]
    assert len(names) == 4
    assert all(x >= charts.WIDTH - 1 and anchor == "start" for x, anchor, _ in names)


def test_long_labels_are_fitted_to_the_room_they_have():
    long = "Learning " * 30
    svg = charts.interval_chart(
        [charts.Interval(long, 1, 1, 2)], chart_id="c", title="T", description="D", units=3
    )
    label = next(text for _x, _a, text in texts(svg) if text.startswith("Learning"))
    assert label.endswith("…") and charts.text_width(label) <= charts.WIDTH * 0.4 + 16


@pytest.mark.parametrize("language", ["ru", "ar", "fr"])
def test_numbers_in_one_table_row_use_one_decimal_separator(language):
    build_network(5, samples=8)
    page = in_language(language).get("/network/monitoring/").content.decode()
    table = page[page.index('id="table-ranks"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert rows
    for row in rows:
        assert not re.search(r"\d\.\d", row), row
    assert any(re.search(r"\d,\d", row) for row in rows)


def test_arabic_run_page_has_no_latin_comma_in_its_dates_and_lists(network_coordinator):
    _framework, _made, run = build_network(3)
    page = in_language("ar").get(f"/network/monitoring/runs/{run.public_id}/").content.decode()
    facts = page[page.index('<dl class="facts">') : page.index("</dl>")]
    assert "2023" in facts and "2024" in facts
    assert ", " not in facts


def test_who_started_a_run_is_never_shown_by_email_on_public_pages():
    _framework, _made, run = build_network(3)
    starter = make_user("quiet.person@example.org")
    IndexRun.objects.filter(pk=run.pk).update(started_by=starter)
    for path in ("/network/monitoring/runs/", f"/network/monitoring/runs/{run.public_id}/"):
        page = Client().get(path).content.decode()
        assert "quiet.person@example.org" not in page
        assert "a network coordinator" in page
    starter.display_name = "Quinn"
    starter.save()
    assert "Quinn" in Client().get("/network/monitoring/runs/").content.decode()


def test_run_notes_the_system_writes_are_worded_in_the_readers_language():
    framework, made, _run = build_network(3, prefix="noted")
    from .factories import node

    node(framework, "IA").values.filter(city=made[0], year=2024).delete()
    node(framework, "IB").values.filter(city=made[0], year=2024).delete()
    node(framework, "IC").values.filter(city=made[0], year=2024).delete()
    node(framework, "ID").values.filter(city=made[0], year=2024).delete()
    run = services.run_index(
        actor=None,
        framework=framework,
        years=[2023, 2024],
        spec=services.SPEC_PRESETS["standard"],
    )
    assert run.notes == [{"note": "no_values", "year": 2024, "cities": ["Noted 0"]}]
    assert note_text(run.notes[0]) == "2024: no validated values for Noted 0."
    assert note_text("Typed by a person.") == "Typed by a person."
    with translation.override("ar"):
        worded = note_text({"note": "no_values", "year": 2024, "cities": ["A", "B"]})
    assert "A، وB" in worded  # the list in Arabic, worded when shown


def test_one_imported_value_is_announced_in_the_singular(city_a, coordinator_a):
    upload = SimpleUploadedFile(
        "iData.csv", b"uCode,uName,Time,I1_1_1\nalpha,Alpha,2023,91.5\n", content_type="text/csv"
    )
    response = client_for(coordinator_a).post(
        "/alpha/monitoring/data/import/",
        {
            "framework": str(default_framework().pk),
            "file": upload,
            "status": "draft",
            "source": "Statistics office",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Imported: 1 new value, 0 changed." in page
