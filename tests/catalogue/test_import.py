"""Importing and exporting opportunities (CSV and XLSX), through the workspace and the CLI."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from learningcity.catalogue import importer, services
from learningcity.catalogue.models import (
    ACCESSIBILITY,
    TOPICS,
    ImportJob,
    ImportJobStatus,
    Opportunity,
    Session,
)
from learningcity.core.models import AuditEvent
from tests.catalogue.factories import (
    make_opportunity,
    make_provider,
    make_session,
    make_site,
    make_staff,
)
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

HEADER = [
    "slug",
    "title",
    "level",
    "format",
    "topics",
    "languages",
    "capacity",
    "site",
    "session_starts",
    "session_ends",
    "session_repeats",
]
# Dates within the coming months, so that the finder's schedule sees them.
SOON = (timezone.now() + timedelta(days=40)).strftime("%Y-%m-%d")
LATER = (timezone.now() + timedelta(days=70)).strftime("%Y-%m-%d")
GOOD_ROWS = [
    ["spanish", "Spanish for beginners", "non_formal", "in_person", "languages", "es;en", "12",
     "central", f"{SOON} 18:00", f"{SOON} 20:00", "FREQ=WEEKLY;COUNT=10"],
    ["spanish", "", "", "", "", "", "", "", f"{LATER} 18:00", f"{LATER} 20:00", ""],
    ["coding-club", "Coding club", "informal", "online", "digital;work", "en", "", "",
     "", "", ""],
]  # fmt: skip


EXPORT = "/alpha/learn/workspace/providers/alpha-library/export"


@pytest.fixture
def provider(city_a):
    return make_provider(city_a, slug="alpha-library", name="Alpha Library")


@pytest.fixture
def staff(provider):
    user = make_user("staff@example.org")
    make_staff(provider, user)
    return user


@pytest.fixture
def central(city_a):
    return make_site(city_a, slug="central", name="Central Library")


def csv_bytes(rows, header=HEADER, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data, name="opportunities.csv", provider_slug="alpha-library"):
    return client.post(
        f"/alpha/learn/workspace/providers/{provider_slug}/import/",
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


# -- good files


def test_a_valid_csv_is_imported_with_its_sessions(staff, provider, central):
    response = upload(client_for(staff), csv_bytes(GOOD_ROWS))
    page = response.content.decode()
    assert "Imported 2 opportunities with 2 sessions" in page
    spanish = Opportunity.objects.get(slug="spanish")
    assert spanish.provider == provider and spanish.site == central
    assert spanish.languages == ["es", "en"] and spanish.capacity == 12
    assert TOPICS.to_values(spanish.topics) == ["languages"]
    first, second = spanish.sessions.order_by("starts_at")
    assert first.recurrence == "FREQ=WEEKLY;COUNT=10" and first.site is None
    local = timezone.localtime(first.starts_at, provider.city.tzinfo)
    assert (local.strftime("%Y-%m-%d"), local.hour) == (SOON, 18)
    assert second.recurrence == ""
    assert spanish.next_start is not None  # the finder's schedule was refreshed
    assert Opportunity.objects.get(slug="coding-club").sessions.count() == 0
    assert AuditEvent.objects.filter(action="opportunities.imported").exists()


def test_a_valid_xlsx_is_imported(staff, provider, central):
    rows = [list(GOOD_ROWS[0]), GOOD_ROWS[2]]
    rows[0][8] = datetime.strptime(f"{SOON} 18:00", "%Y-%m-%d %H:%M")  # a real date cell
    rows[0][6] = 12  # a number cell
    response = upload(client_for(staff), xlsx_bytes(rows), name="opportunities.xlsx")
    assert "Imported 2 opportunities with 1 sessions" in response.content.decode()
    session = Session.objects.get()
    local = timezone.localtime(session.starts_at, provider.city.tzinfo)
    assert (local.hour, local.minute) == (18, 0)


def test_a_csv_with_semicolons_from_a_european_spreadsheet_is_read(staff, provider, central):
    response = upload(client_for(staff), csv_bytes(GOOD_ROWS, delimiter=";"))
    assert "Imported 2 opportunities" in response.content.decode()


# -- bad files


def test_a_bad_file_lists_every_problem_by_row_and_column_and_imports_nothing(
    staff, provider, central
):
    make_opportunity(provider, slug="taken")
    rows = [
        ["ok-one", "Fine", "non_formal", "in_person", "", "", "", "", "", "", ""],
        ["bad-level", "A", "expert", "in_person", "", "", "", "", "", "", ""],
        ["bad-date", "B", "informal", "online", "", "", "", "", "2030-13-45 18:00",
         "2030-03-02 20:00", ""],
        ["no-title", "", "informal", "online", "", "", "", "", "", "", ""],
        ["bad-number", "C", "informal", "online", "", "", "ten", "", "", "", ""],
        ["taken", "D", "informal", "online", "", "", "", "", "", "", ""],
        ["bad-site", "E", "informal", "online", "", "", "", "nowhere", "", "", ""],
        ["bad-rule", "F", "informal", "online", "", "", "", "", "2030-03-02 18:00",
         "2030-03-02 20:00", "FREQ=SOMETIMES"],
        ["ok-one", "Not the same", "informal", "online", "", "", "", "", "", "", ""],
        ["bad-topic", "G", "informal", "online", "cooking", "", "", "", "", "", ""],
    ]  # fmt: skip
    response = upload(client_for(staff), csv_bytes(rows))
    job = ImportJob.objects.get()
    found = {(error["row"], error["column"]) for error in job.errors}
    assert found == {
        (3, "level"),
        (4, "session_starts"),
        (5, "title"),
        (6, "capacity"),
        (7, "slug"),
        (8, "site"),
        (9, "session_repeats"),
        (10, "slug"),
        (11, "topics"),
    }
    assert job.status == ImportJobStatus.REFUSED
    assert Opportunity.objects.count() == 1  # only the one that was there before
    page = response.content.decode()
    assert "Nothing was imported, because of these 9 problems" in page
    assert "Unknown choice “expert”" in page
    assert "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY" in page
    assert "Duplicate slug" in page
    assert "No place with the slug “nowhere”" in page
    assert "refresh" not in page  # a finished job page stops reloading


def test_odd_cells_are_refused_with_their_row_and_column(staff, provider):
    rows = [
        ["nul", "A\x00B", "informal", "online"] + [""] * 7,
        ["long-link", "Link", "informal", "online", "", "", "", "", f"{SOON} 18:00",
         f"{SOON} 19:00", ""],
        ["long-rule", "Rule", "informal", "online", "", "", "", "", f"{SOON} 18:00",
         f"{SOON} 19:00", "FREQ=WEEKLY;" + "BYDAY=MO;" * 30],
    ]  # fmt: skip
    header = [*HEADER, "session_live_url"]
    rows[1].append("https://example.org/" + "x" * 300)
    upload(client_for(staff), csv_bytes(rows, header))
    job = ImportJob.objects.get()
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {(2, "title"), (3, "session_live_url"), (4, "session_repeats")}
    assert not Opportunity.objects.exists()


def test_unknown_and_missing_columns_are_reported_on_the_header_row(staff, provider):
    header = ["slug", "titel", "level", "format"]
    response = upload(client_for(staff), csv_bytes([["a", "A", "informal", "online"]], header))
    job = ImportJob.objects.get()
    assert {(e["row"], e["column"]) for e in job.errors} == {(1, "titel"), (1, "title")}
    assert "Unknown column" in response.content.decode()
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("list.xlsx", b"this is not a workbook", "not a readable .xlsx workbook"),
        ("list.csv", "slug,title\n\xe9t\xe9,x\n".encode("latin-1"), "not UTF-8 text"),
        ("list.csv", b"\n\n", "The file is empty"),
    ],
    ids=["broken xlsx", "latin-1 csv", "empty"],
)
def test_an_unreadable_file_is_refused_with_a_plain_reason(staff, provider, name, data, message):
    response = upload(client_for(staff), data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Opportunity.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_the_form(staff, provider):
    response = upload(client_for(staff), b"%PDF-1.4", name="opportunities.pdf")
    assert "Upload a .csv or .xlsx file" in response.content.decode()
    assert not ImportJob.objects.exists()


# -- export and round trip


def test_an_export_imports_again_to_the_same_opportunities(staff, provider, central, city_b):
    spanish = make_opportunity(
        provider, slug="spanish", title="=Spanish, for everyone", capacity=8, site=central,
        topics=TOPICS.to_mask(["languages", "work"]), languages=["es"],
        accessibility=ACCESSIBILITY.to_mask(["step_free"]), min_age=16, max_age=99,
    )  # fmt: skip
    local = timezone.make_aware(datetime(2030, 5, 4, 10, 30), provider.city.tzinfo)
    make_session(spanish, starts_at=local, ends_at=local.replace(hour=12),
                 recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=6")  # fmt: skip
    make_session(spanish, starts_at=local.replace(day=20), ends_at=local.replace(day=20, hour=12))
    make_opportunity(provider, slug="quiet", title="Quiet", is_published=False)
    client = client_for(staff)
    for file_format in ("csv", "xlsx"):
        exported = client.get(f"{EXPORT}.{file_format}")
        assert exported.status_code == 200
        before = importer.read_table(exported.content, file_format)
        Opportunity.objects.filter(provider=provider).delete()
        response = upload(client, exported.content, name=f"again.{file_format}")
        assert "Imported 2 opportunities with 2 sessions" in response.content.decode()
        again = client.get(f"{EXPORT}.{file_format}")
        assert importer.read_table(again.content, file_format).rows == before.rows
    assert Opportunity.objects.get(slug="spanish").title == "=Spanish, for everyone"


def test_exported_cells_that_look_like_formulas_stay_text(staff, provider):
    make_opportunity(provider, slug="sum", title="=SUM(A1:A9)")
    client = client_for(staff)
    exported = client.get(f"{EXPORT}.csv")
    assert "'=SUM(A1:A9)" in exported.content.decode("utf-8-sig")
    workbook = client.get(f"{EXPORT}.xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet["B2"].value == "=SUM(A1:A9)" and sheet["B2"].data_type == "s"


def test_an_unknown_export_format_is_not_found(staff, provider):
    response = client_for(staff).get(f"{EXPORT}.pdf")
    assert response.status_code == 404


# -- large files: background job with progress


def many_rows(count):
    return [
        [f"course-{n}", f"Course {n}", "informal", "online", "", "", "", "",
         "2030-03-02 18:00", "2030-03-02 20:00", ""]
        for n in range(count)
    ]  # fmt: skip


def test_a_large_file_waits_for_the_worker_and_shows_its_progress(staff, provider, monkeypatch):
    monkeypatch.setattr(services, "INLINE_IMPORT_ROWS", 5)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 4)
    seen = []
    record = services._record_progress
    monkeypatch.setattr(
        services, "_record_progress", lambda pk, done: (seen.append(done), record(pk, done))
    )
    client = client_for(staff)
    page = upload(client, csv_bytes(many_rows(10))).content.decode()
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.PENDING and job.total == 10
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'hx-trigger="every 2s"' in page
    partial = client.get(
        f"/alpha/learn/workspace/imports/{job.public_id}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.startswith('<div id="import-progress"') and "<html" not in partial
    assert not Opportunity.objects.exists()

    call_command("run-jobs")

    assert seen == [4, 8, 10]
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.progress == 10 and job.data == b""
    assert Opportunity.objects.count() == 10
    page = client.get(f"/alpha/learn/workspace/imports/{job.public_id}/").content.decode()
    assert "Imported 10 opportunities" in page and "hx-trigger" not in page


def test_a_job_runs_once_even_if_two_workers_see_it(staff, provider, monkeypatch):
    monkeypatch.setattr(services, "INLINE_IMPORT_ROWS", 0)
    upload(client_for(staff), csv_bytes(many_rows(2)))
    job = ImportJob.objects.get()
    assert services.run_import_job(job) is True
    assert services.run_import_job(job) is False
    assert Opportunity.objects.count() == 2


def test_the_progress_page_shows_rows_checked(staff, provider):
    job = ImportJob.objects.create(
        city=provider.city, provider=provider, file_name="big.csv", file_format="csv",
        status=ImportJobStatus.CHECKING, total=10_000, progress=2_500,
    )  # fmt: skip
    page = client_for(staff).get(f"/alpha/learn/workspace/imports/{job.public_id}/")
    text = page.content.decode()
    assert "2500 of 10000 rows checked" in text
    assert '<progress max="100" value="25"' in text


def test_another_providers_import_job_is_forbidden(staff, city_a, coordinator_b):
    elsewhere = make_provider(city_a, slug="alpha-college")
    job = ImportJob.objects.create(
        city=city_a, provider=elsewhere, file_name="x.csv", file_format="csv"
    )
    page = f"/alpha/learn/workspace/imports/{job.public_id}/"
    assert client_for(staff).get(page).status_code == 403
    coordinator = client_for(coordinator_b)
    assert coordinator.get(f"/beta/learn/workspace/imports/{job.public_id}/").status_code == 404
    forbidden = upload(client_for(staff), csv_bytes(GOOD_ROWS), provider_slug="alpha-college")
    assert forbidden.status_code == 403


def test_the_full_error_list_can_be_downloaded(staff, provider):
    upload(client_for(staff), csv_bytes([["x", "", "nope", "online"] + [""] * 7]))
    job = ImportJob.objects.get()
    response = client_for(staff).get(f"/alpha/learn/workspace/imports/{job.public_id}/errors.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,message"
    assert {line.split(",")[1] for line in lines[1:]} == {"title", "level"}


# -- the command line


def test_the_cli_imports_a_file(provider, central, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    call_command("import-opportunities", "--city", "alpha", "--provider", "alpha-library", path)
    assert "Imported 2 opportunities with 2 sessions" in capsys.readouterr().out
    assert Opportunity.objects.count() == 2


def test_the_cli_lists_every_problem_and_imports_nothing(provider, tmp_path, capsys):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx_bytes([["a", "", "informal", "online"], ["b", "B", "nope", "online"]]))
    with pytest.raises(CommandError, match="Nothing was imported: 2 problems"):
        call_command("import-opportunities", "--city", "alpha", "--provider", "alpha-library", path)
    out = capsys.readouterr().out
    assert "row 2, column title" in out and "row 3, column level" in out
    assert not Opportunity.objects.exists()


def test_the_cli_refuses_an_unknown_provider(city_a, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    with pytest.raises(CommandError, match="No provider"):
        call_command("import-opportunities", "--city", "alpha", "--provider", "nobody", path)
