"""Frameworks as data: the KFLC default, iMeta in and out, and bad frameworks refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learningcity.monitoring import frameworks
from learningcity.monitoring.models import Framework, FrameworkNode, NodeType
from learningcity.monitoring.problems import InvalidInput
from learningcity.monitoring.queries import default_framework, effective_nodes
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HEADER = (
    '"Level","iCode","iName","Direction","Weight","Unit","Target","Denominator","Parent","Type"'
)


def imeta(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def upload(content: bytes, name: str = "iMeta.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_kflc_is_the_default_framework_with_3_areas_12_areas_of_focus_and_42_features():
    kflc = default_framework()
    assert kflc is not None and kflc.slug == "kflc"
    nodes = list(kflc.nodes.all())
    by_level = {level: [n for n in nodes if n.level == level] for level in range(1, 6)}
    assert [len(by_level[level]) for level in (5, 4, 3, 2)] == [1, 3, 12, 42]
    assert kflc.level_names == ["Indicator", "Feature", "Area of focus", "Area", "Index"]
    # each feature has exactly one suggested indicator
    indicators = by_level[1]
    assert len(indicators) == 42
    assert {n.parent_id for n in indicators} == {n.pk for n in by_level[2]}
    focus_sizes = sorted(len(list(n.children.all())) for n in by_level[3])
    assert sum(focus_sizes) == 42 and focus_sizes.count(4) == 6 and focus_sizes.count(3) == 6


def test_lower_is_better_indicators_are_marked_so():
    kflc = default_framework()
    assert FrameworkNode.objects.get(framework=kflc, code="I1_2_2").direction == -1  # unemployment
    assert FrameworkNode.objects.get(framework=kflc, code="I1_1_1").direction == 1  # literacy


def test_exporting_then_importing_the_kflc_gives_back_the_same_imeta(network_coordinator):
    client = client_for(network_coordinator)
    exported = client.get("/network/monitoring/frameworks/kflc/iMeta.csv")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert exported.content.decode().splitlines()[0].startswith(HEADER)

    response = client.post(
        "/network/monitoring/frameworks/import/",
        {"name": "KFLC copy", "slug": "kflc-copy", "file": upload(exported.content)},
    )
    assert response.status_code == 302
    copy = Framework.objects.get(slug="kflc-copy")
    assert copy.nodes.count() == 100
    again = client.get("/network/monitoring/frameworks/kflc-copy/iMeta.csv")
    assert again.content == exported.content


def test_the_export_is_a_csv_the_index_engine_accepts():
    from compindex.meta import parse_meta

    rows = [frameworks.row_from_node(n) for n in effective_nodes(default_framework())]
    meta = parse_meta(frameworks.imeta_frame(rows))
    assert meta.max_level == 5 and len(meta.indicator_codes) == 42 and meta.top_code() == "LCI"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [
                '1,"I1","One",1,1,"%",NA,NA,"A","Indicator"',
                '2,"A","Area",1,1,NA,NA,NA,"B","Aggregate"',
                '3,"B","Index",1,1,NA,NA,NA,"A","Aggregate"',
            ],
            "cycle",
        ),
        (
            [
                '1,"I1","One",1,1,"%",NA,NA,"NOPE","Indicator"',
                '2,"IDX","Index",1,1,NA,NA,NA,NA,"Aggregate"',
            ],
            "orphan",
        ),
        (
            [
                '1,"I1","One",1,1,"%",NA,NA,"IDX","Indicator"',
                '1,"I1","One again",1,1,"%",NA,NA,"IDX","Indicator"',
                '2,"IDX","Index",1,1,NA,NA,NA,NA,"Aggregate"',
            ],
            "duplicate",
        ),
    ],
    ids=["cycle", "orphan", "duplicate"],
)
def test_a_broken_framework_is_refused_with_a_clear_message_and_nothing_saved(
    network_coordinator, rows, expected
):
    before = Framework.objects.count()
    response = client_for(network_coordinator).post(
        "/network/monitoring/frameworks/import/",
        {"name": "Broken", "slug": "broken", "file": upload(imeta(*rows))},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert expected in page.lower()
    assert Framework.objects.count() == before


def test_every_problem_of_an_imeta_file_is_listed_at_once():
    content = imeta(
        '1,"I1","One",1,-2,"%",NA,NA,"IDX","Indicator"',
        '1,"9bad","Bad code",1,1,"%",NA,NA,"IDX","Indicator"',
        '1,"I3","Three",1,x,"%",NA,NA,"IDX","Indicator"',
        'NA,"G","Group",NA,NA,NA,NA,NA,NA,"Group"',
        '2,"IDX","Index",1,1,NA,NA,NA,NA,"Aggregate"',
    )
    with pytest.raises(InvalidInput) as refused:
        frameworks.parse_imeta(content)
    messages = " | ".join(str(p) for p in refused.value.problems)
    assert "Weight must not be negative" in messages
    assert "Weight “x” is not a number" in messages
    assert "Type “Group” is not supported" in messages
    assert "row 2" in messages and "row 4" in messages and "row 5" in messages


def test_a_file_that_is_not_csv_is_refused_plainly():
    with pytest.raises(InvalidInput) as refused:
        frameworks.parse_imeta(b"\xff\xfe\x00garbage\x00")
    assert "CSV" in str(refused.value)


def test_the_network_coordinator_edits_the_wording_of_a_feature(network_coordinator):
    response = client_for(network_coordinator).post(
        "/network/monitoring/frameworks/kflc/rows/F1_1_3/",
        {
            "name": "Equality between women and men",
            "description": "",
            "unit": "Score",
            "direction": "1",
            "weight": "1",
            "target": "",
            "min_value": "",
            "max_value": "",
        },
    )
    assert response.status_code == 302
    assert FrameworkNode.objects.get(framework=default_framework(), code="F1_1_3").name == (
        "Equality between women and men"
    )


def test_a_city_coordinator_cannot_edit_the_network_framework(coordinator_a):
    client = client_for(coordinator_a)
    assert client.get("/network/monitoring/frameworks/kflc/rows/F1_1_3/").status_code == 403
    response = client.post("/network/monitoring/frameworks/kflc/rows/F1_1_3/", {"name": "Hacked"})
    assert response.status_code == 403
    assert FrameworkNode.objects.get(framework=default_framework(), code="F1_1_3").name != "Hacked"


def test_a_city_coordinator_adds_a_local_indicator_under_a_feature(city_a, coordinator_a):
    feature = FrameworkNode.objects.get(framework=default_framework(), code="F2_2_1")
    response = client_for(coordinator_a).post(
        "/alpha/monitoring/framework/add/",
        {
            "parent": feature.pk,
            "code": "L_VISITS",
            "name": "Library visits per resident",
            "unit": "visits",
            "direction": "1",
            "weight": "1",
            "min_value": "0",
        },
    )
    assert response.status_code == 302
    local = FrameworkNode.objects.get(code="L_VISITS")
    assert local.framework.city == city_a and local.framework.base == default_framework()
    assert local.parent == feature and local.type == NodeType.INDICATOR
    page = client_for(coordinator_a).get("/alpha/monitoring/framework/").content.decode()
    assert "Library visits per resident" in page and "local" in page
    # the city's export holds the whole framework plus the local row, and the engine takes it
    exported = client_for(coordinator_a).get("/alpha/monitoring/framework/iMeta.csv").content
    rows = frameworks.parse_imeta(exported)
    assert len(rows) == 101 and any(row.code == "L_VISITS" for row in rows)


def test_a_local_code_must_not_repeat_a_network_code(city_a, coordinator_a):
    feature = FrameworkNode.objects.get(framework=default_framework(), code="F2_2_1")
    response = client_for(coordinator_a).post(
        "/alpha/monitoring/framework/add/",
        {"parent": feature.pk, "code": "I1_1_1", "name": "Clash", "direction": "1", "weight": "1"},
    )
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert not FrameworkNode.objects.filter(name="Clash").exists()


def test_another_citys_local_indicators_are_not_shown(city_a, city_b, coordinator_a, coordinator_b):
    feature = FrameworkNode.objects.get(framework=default_framework(), code="F2_2_1")
    client_for(coordinator_b).post(
        "/beta/monitoring/framework/add/",
        {
            "parent": feature.pk,
            "code": "L_BETA",
            "name": "Beta's own",
            "direction": "1",
            "weight": "1",
        },
    )
    assert FrameworkNode.objects.filter(code="L_BETA").exists()
    page = client_for(coordinator_a).get("/alpha/monitoring/framework/").content.decode()
    assert "Beta's own" not in page
    assert (
        client_for(coordinator_a).get("/beta/monitoring/framework/rows/L_BETA/").status_code == 403
    )
