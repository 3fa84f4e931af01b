"""The public JSON API: filters, pages, bad input, tenancy, no personal data, and
every response matching the OpenAPI document."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from learningcity.catalogue import schedule, search
from learningcity.catalogue.models import TOPICS, Cost, Enrolment, Format, OpportunityKind
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_district, make_user

pytestmark = pytest.mark.django_db

API = "/api/v1/alpha"


@pytest.fixture(autouse=True)
def fresh_indexes():
    search.forget_indexes()
    yield
    search.forget_indexes()


@pytest.fixture
def catalogue(city_a, city_b):
    district = make_district(city_a, "centre", name="Centre", latitude=51.9, longitude=-8.47)
    provider = make_provider(
        city_a,
        slug="library",
        name="City Library",
        email="head@library.example.org",
        phone="+353 1 555 0100",
    )
    site = make_site(city_a, slug="central", name="Central Library", district=district)
    items = {}
    for number, (title, topics, cost, kind) in enumerate(
        [
            ("Painting workshop", ["arts"], Cost.FREE, OpportunityKind.WORKSHOP),
            ("Python course", ["digital"], Cost.FEE, OpportunityKind.COURSE),
            ("History lecture", ["heritage"], Cost.FREE, OpportunityKind.LECTURE),
        ]
    ):
        opportunity = make_opportunity(
            provider,
            slug=title.lower().replace(" ", "-"),
            title=title,
            site=site,
            topics=TOPICS.to_mask(topics),
            cost=cost,
            kind=kind,
            format=Format.IN_PERSON,
        )
        starts = timezone.now() + timedelta(days=2 + number)
        session = make_session(
            opportunity,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            site=site,
            recurrence="FREQ=WEEKLY;COUNT=3" if number == 1 else "",
        )
        schedule.refresh_schedule(opportunity)
        items[title] = opportunity
        Enrolment.objects.create(
            session=session,
            user=make_user(f"learner{number}@example.org"),
            status="confirmed",
            needs="wheelchair",
        )
    make_opportunity(provider, slug="draft", title="Unpublished draft", is_published=False)
    make_opportunity(make_provider(city_b), slug="beta-course", title="Beta course")
    return items


# -- a small JSON Schema checker for the parts of the standard the document uses ------


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def check(value: Any, schema: dict[str, Any], document: dict[str, Any], where: str = "$") -> None:
    schema = resolve(schema, document)
    if "anyOf" in schema:
        problems = []
        for option in schema["anyOf"]:
            try:
                check(value, option, document, where)
                return
            except AssertionError as error:
                problems.append(str(error))
        raise AssertionError(f"{where}: matches no option: {problems}")
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    python = {
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "array": list,
        "object": dict,
        "null": type(None),
    }
    if kinds is not None:
        ok = any(
            isinstance(value, python[kind])
            and not (kind in {"integer", "number"} and isinstance(value, bool))
            for kind in kinds
        )
        assert ok, f"{where}: {value!r} is not {kinds}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        for name in schema.get("required", []):
            assert name in value, f"{where}: missing {name}"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                check(item, properties[name], document, f"{where}.{name}")
            else:
                assert extra is not False, f"{where}: unexpected {name}"
                if isinstance(extra, dict):
                    check(item, extra, document, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            check(item, schema["items"], document, f"{where}[{index}]")


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def matches_document(response, document, template, status=200):
    assert response.status_code == status, response.content
    operation = document["paths"][template]["get"]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    check(response.json(), schema, document)
    return response.json()


# -- the document -----------------------------------------------------------------------


def test_the_openapi_document_describes_every_endpoint(document):
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/v1/{city_slug}/opportunities/",
        "/api/v1/{city_slug}/opportunities/{slug}/",
        "/api/v1/{city_slug}/sessions/",
        "/api/v1/{city_slug}/sites/",
        "/api/v1/{city_slug}/sites/{slug}/",
        "/api/v1/{city_slug}/providers/",
        "/api/v1/{city_slug}/providers/{slug}/",
    }
    parameters = {
        parameter["name"]: parameter
        for parameter in document["paths"]["/api/v1/{city_slug}/opportunities/"]["get"][
            "parameters"
        ]
    }
    assert parameters["topic"]["schema"]["items"]["enum"][:2] == ["literacy", "languages"]
    assert parameters["lat"]["schema"] == {
        "type": "number",
        "minimum": -90,
        "maximum": 90,
    }
    for schema in document["components"]["schemas"].values():
        for name in schema.get("properties", {}):
            resolve(schema["properties"][name], document)  # every $ref resolves


# -- responses match it -----------------------------------------------------------------


def test_opportunities_match_the_document(client, catalogue, document):
    data = matches_document(
        client.get(f"{API}/opportunities/"), document, "/api/v1/{city_slug}/opportunities/"
    )
    assert data["count"] == 3
    assert data["results"][0]["title"] == "Painting workshop"
    assert data["facets"]["cost"] == {"free": 2, "fee": 1, "concessions": 0}


def test_one_opportunity_matches_the_document(client, catalogue, document):
    data = matches_document(
        client.get(f"{API}/opportunities/python-course/"),
        document,
        "/api/v1/{city_slug}/opportunities/{slug}/",
    )
    (session,) = data["sessions"]
    assert session["recurrence"] == "FREQ=WEEKLY;COUNT=3"
    assert len(session["upcoming"]) == 3
    assert data["page_url"] == "http://testserver/alpha/learn/opportunities/python-course/"


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("sessions/", "/api/v1/{city_slug}/sessions/"),
        ("sites/", "/api/v1/{city_slug}/sites/"),
        ("sites/central/", "/api/v1/{city_slug}/sites/{slug}/"),
        ("providers/", "/api/v1/{city_slug}/providers/"),
        ("providers/library/", "/api/v1/{city_slug}/providers/{slug}/"),
    ],
)
def test_sessions_sites_and_providers_match_the_document(
    client, catalogue, document, path, template
):
    matches_document(client.get(f"{API}/{path}"), document, template)


def test_errors_match_the_document(client, catalogue, document):
    matches_document(
        client.get(f"{API}/opportunities/", {"lat": "x"}),
        document,
        "/api/v1/{city_slug}/opportunities/",
        status=400,
    )
    matches_document(
        client.get(f"{API}/opportunities/nope/"),
        document,
        "/api/v1/{city_slug}/opportunities/{slug}/",
        status=404,
    )


# -- filters and pages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "paintng"}, ["Painting workshop"]),
        ({"cost": "free"}, ["History lecture", "Painting workshop"]),
        ({"kind": ["course", "lecture"]}, ["History lecture", "Python course"]),
        ({"topic": "digital"}, ["Python course"]),
        ({"district": "centre", "topic": "arts"}, ["Painting workshop"]),
        ({"near": "centre", "km": "1", "cost": "fee"}, ["Python course"]),
        (
            {"lat": "51.9", "lng": "-8.47", "sort": "nearest", "topic": "heritage"},
            ["History lecture"],
        ),
    ],
)
def test_opportunities_take_the_finders_filters(client, catalogue, params, expected):
    data = client.get(f"{API}/opportunities/", params).json()
    assert sorted(item["title"] for item in data["results"]) == expected


def test_a_date_window_filters_by_next_date(client, catalogue):
    after = (timezone.now() + timedelta(days=2, hours=12)).isoformat()
    data = client.get(f"{API}/opportunities/", {"starts_after": after}).json()
    assert [item["title"] for item in data["results"]] == ["Python course", "History lecture"]


def test_pages_link_to_each_other(client, catalogue):
    first = client.get(f"{API}/opportunities/", {"page_size": "2"}).json()
    assert (first["count"], first["pages"], first["previous"]) == (3, 2, None)
    second = client.get(first["next"]).json()
    assert second["next"] is None and len(second["results"]) == 1
    titles = {item["title"] for item in first["results"] + second["results"]}
    assert titles == {"Painting workshop", "Python course", "History lecture"}


def test_sessions_filter_by_opportunity(client, catalogue):
    data = client.get(f"{API}/sessions/", {"opportunity": "history-lecture"}).json()
    assert [session["opportunity"] for session in data["results"]] == ["history-lecture"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"topic": "astrology"}, "topic"),
        ({"lat": "91", "lng": "0"}, "lat"),
        ({"lat": "nan", "lng": "0"}, "lat"),
        ({"lat": "51.9"}, "lat"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"sort": "random"}, "sort"),
        ({"starts_after": "yesterday"}, "starts_after"),
        ({"near": "Atlantis"}, "near"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_unusable_input_is_a_400_naming_the_parameter(client, catalogue, params, parameter):
    response = client.get(f"{API}/opportunities/", params)
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_odd_text_is_searched_not_refused(client, catalogue):
    response = client.get(f"{API}/opportunities/", {"q": "'; DROP TABLE x; -- 😀 %s \\"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("opportunities/", "q"),
        ("opportunities/", "near"),
        ("opportunities/", "district"),
        ("opportunities/", "language"),
        ("sessions/", "opportunity"),
        ("sites/", "q"),
        ("sites/", "district"),
        ("providers/", "q"),
    ],
)
def test_a_nul_character_in_text_is_a_400_not_a_server_error(client, catalogue, path, parameter):
    # PostgreSQL cannot compare text holding NUL: this was a 500 there.
    response = client.get(f"{API}/{path}", {parameter: "lib\x00rary"})
    assert response.status_code == 400
    assert response.json() == {"errors": {parameter: "Text may not contain NUL characters."}}


def test_the_document_says_lat_needs_lng_and_that_input_can_be_refused(document):
    operation = document["paths"]["/api/v1/{city_slug}/opportunities/"]["get"]
    assert "`lat` and `lng` together" in operation["description"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert "Give `lng` too" in parameters["lat"]["description"]
    assert parameters["q"]["schema"]["pattern"] == "^[^\\x00]*$"
    for operations in document["paths"].values():
        assert set(operations["get"]["responses"]) == {"200", "400", "404"}


def test_only_get_is_allowed(client, catalogue):
    assert client.post(f"{API}/opportunities/").status_code == 405


@pytest.mark.parametrize(
    "path", ["opportunities/", "opportunities/python-course/", "sessions/", "sites/", "providers/"]
)
def test_head_is_answered_like_get_without_a_body(client, catalogue, path):
    response = client.head(f"{API}/{path}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""


def test_any_other_address_under_the_api_is_a_json_404(client, db):
    for path in ["/api/v1/alpha/nothing/", "/api/v1/%00/opportunities/", "/api/v1/a/b/c/d/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "path" in response.json()["errors"]


def test_the_docs_page_uses_local_files_and_no_inline_script(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and "https://" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    # Each script is a local file or a JSON data block (not run, so no CSP hash needed).
    assert scripts and all("src=" in attrs or "application/json" in attrs for attrs in scripts)
    assert " style=" not in html and "<style" not in html


# -- privacy and tenancy ----------------------------------------------------------------


def test_no_personal_data_is_ever_published(client, catalogue):
    everything = "".join(
        client.get(f"{API}/{path}").content.decode()
        for path in [
            "opportunities/",
            "opportunities/python-course/",
            "sessions/",
            "sites/",
            "providers/",
            "providers/library/",
        ]
    )
    for private in ("learner0@example.org", "wheelchair", "head@library.example.org", "555 0100"):
        assert private not in everything


def test_an_unpublished_opportunity_is_not_in_the_api(client, catalogue):
    assert client.get(f"{API}/opportunities/draft/").status_code == 404
    listed = client.get(f"{API}/opportunities/", {"q": "draft"}).json()
    assert listed["count"] == 0


def test_city_bs_records_are_not_reachable_through_city_a(client, catalogue):
    assert client.get(f"{API}/opportunities/beta-course/").status_code == 404
    assert "Beta course" not in client.get(f"{API}/opportunities/").content.decode()
    assert client.get("/api/v1/beta/opportunities/beta-course/").status_code == 200


def test_an_unknown_city_is_a_json_404(client, db):
    response = client.get("/api/v1/nowhere/opportunities/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_api_is_readable_from_other_sites(client, catalogue):
    assert client.get(f"{API}/providers/")["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "path", ["opportunities/", "opportunities/python-course/", "sessions/", "sites/", "providers/"]
)
def test_api_pages_make_few_queries(client, catalogue, path, django_assert_max_num_queries):
    client.get(f"{API}/opportunities/")  # builds the search index
    with django_assert_max_num_queries(6):
        assert client.get(f"{API}/{path}").status_code == 200
