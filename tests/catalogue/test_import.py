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
    Enrolment,
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
    """The first step: the file is checked and the preview shown; nothing is saved."""
    return client.post(
        f"/alpha/learn/workspace/providers/{provider_slug}/import/",
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def confirm(client, job=None):
    """The second step: confirm the preview of the (only) job."""
    job = job or ImportJob.objects.get()
    return client.post(f"/alpha/learn/workspace/imports/{job.public_id}/confirm/", follow=True)


def upload_and_confirm(client, data, name="opportunities.csv"):
    upload(client, data, name=name)
    return confirm(client, ImportJob.objects.latest("created_at"))


def counts(summary):
    """(opportunities new, changed, unchanged), (sessions new, changed, unchanged)."""
    o, s = summary["opportunities"], summary["sessions"]
    return (o["create"], o["change"], o["same"]), (s["create"], s["change"], s["same"])


# -- good files


def test_a_valid_csv_is_previewed_then_imported_with_its_sessions(staff, provider, central):
    client = client_for(staff)
    page = upload(client, csv_bytes(GOOD_ROWS)).content.decode()
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.READY
    assert counts(job.summary) == ((2, 0, 0), (2, 0, 0))
    assert "What the file does" in page and "Spanish for beginners" in page
    assert "Confirm and save these changes" in page
    assert not Opportunity.objects.exists()  # the preview saves nothing

    page = confirm(client, job).content.decode()

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.data == b""
    assert "Saved." in page
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
    upload_and_confirm(client_for(staff), xlsx_bytes(rows), name="opportunities.xlsx")
    assert counts(ImportJob.objects.get().summary) == ((2, 0, 0), (1, 0, 0))
    session = Session.objects.get()
    local = timezone.localtime(session.starts_at, provider.city.tzinfo)
    assert (local.hour, local.minute) == (18, 0)


def test_a_csv_with_semicolons_from_a_european_spreadsheet_is_read(staff, provider, central):
    upload_and_confirm(client_for(staff), csv_bytes(GOOD_ROWS, delimiter=";"))
    assert Opportunity.objects.count() == 2


# -- bad files


def test_a_bad_file_lists_every_problem_by_row_and_column_and_imports_nothing(
    staff, provider, central
):
    make_opportunity(make_provider(provider.city, slug="alpha-college"), slug="taken")
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
    assert "Another provider in this city already uses this slug" in page
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


@pytest.fixture
def spanish(provider, central):
    spanish = make_opportunity(
        provider, slug="spanish", title="=Spanish, for everyone", capacity=8, site=central,
        topics=TOPICS.to_mask(["languages", "work"]), languages=["es"], kind="workshop",
        accessibility=ACCESSIBILITY.to_mask(["step_free"]), min_age=16, max_age=99,
    )  # fmt: skip
    local = timezone.make_aware(datetime(2030, 5, 4, 10, 30), provider.city.tzinfo)
    make_session(spanish, starts_at=local, ends_at=local.replace(hour=12),
                 recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=6")  # fmt: skip
    make_session(spanish, starts_at=local.replace(day=20), ends_at=local.replace(day=20, hour=12))
    make_opportunity(provider, slug="quiet", title="Quiet", is_published=False)
    return spanish


def test_an_export_imports_again_to_the_same_opportunities(staff, provider, spanish, city_b):
    client = client_for(staff)
    for file_format in ("csv", "xlsx"):
        exported = client.get(f"{EXPORT}.{file_format}")
        assert exported.status_code == 200
        before = importer.read_table(exported.content, file_format)
        Opportunity.objects.filter(provider=provider).delete()
        upload_and_confirm(client, exported.content, name=f"again.{file_format}")
        job = ImportJob.objects.latest("created_at")
        assert counts(job.summary) == ((2, 0, 0), (2, 0, 0))
        again = client.get(f"{EXPORT}.{file_format}")
        rows = importer.read_table(again.content, file_format).rows
        # The same rows, but for the session ids: the sessions are new ones.
        without_ids = [(n, cells[:-1]) for n, cells in rows]
        assert without_ids == [(n, cells[:-1]) for n, cells in before.rows]
    recreated = Opportunity.objects.get(slug="spanish")
    assert recreated.title == "=Spanish, for everyone" and recreated.kind == "workshop"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_uploading_your_own_export_again_changes_nothing(staff, spanish, file_format):
    """Defect 13: re-uploading the export failed with "Duplicate slug" errors."""
    client = client_for(staff)
    exported = client.get(f"{EXPORT}.{file_format}").content
    page = upload(client, exported, name=f"again.{file_format}").content.decode()
    job = ImportJob.objects.get()
    assert job.errors == [] and job.status == ImportJobStatus.READY
    assert counts(job.summary) == ((0, 0, 2), (0, 0, 2))
    assert "Nothing to save: the file matches your catalogue" in page
    assert "Confirm and save" not in page


def test_an_edited_export_updates_by_slug_and_session_id_after_a_preview(
    staff, provider, spanish, central
):
    first, _second = spanish.sessions.order_by("starts_at")
    Enrolment.objects.create(session=first, guest_email="ana@example.org", status="confirmed")
    client = client_for(staff)
    table = importer.read_table(client.get(f"{EXPORT}.csv").content, "csv")
    column = {name: index for index, name in enumerate(table.header)}
    rows = [cells for _n, cells in table.rows]
    for cells in rows:
        if cells[column["slug"]] == "spanish":
            cells[column["title"]] = "Spanish for everyone"
            cells[column["kind"]] = "course"
    session_row = next(
        cells for cells in rows if cells[column["session_id"]] == str(first.public_id)
    )
    session_row[column["session_starts"]] = "2030-05-04 11:00"  # a later start
    new_row = list(session_row)
    new_row[column["slug"]] = "french"
    new_row[column["session_id"]] = ""
    rows.append(new_row)
    data = importer.write_csv(importer.Table(table.header, list(enumerate(rows, start=2))))

    page = upload(client, data).content.decode()

    job = ImportJob.objects.get()
    assert counts(job.summary) == ((1, 1, 1), (1, 1, 1))
    changed = job.summary["lists"]["change"]
    assert [(item["slug"], item["fields"]) for item in changed] == [("spanish", ["title", "kind"])]
    assert "Changed opportunities" in page and "changes: title, kind" in page
    assert Opportunity.objects.get(slug="spanish").title == "=Spanish, for everyone"

    confirm(client, job)

    spanish.refresh_from_db()
    assert (spanish.title, spanish.kind) == ("Spanish for everyone", "course")
    first.refresh_from_db()
    local = timezone.localtime(first.starts_at, provider.city.tzinfo)
    assert (local.hour, local.minute) == (11, 0)
    assert first.enrolments.count() == 1  # the session was updated, not replaced
    assert spanish.sessions.count() == 2 and Opportunity.objects.count() == 3
    assert Opportunity.objects.get(slug="french").sessions.count() == 1
    assert AuditEvent.objects.filter(action="opportunity.updated", target="spanish").exists()
    assert AuditEvent.objects.filter(action="import.confirmed").exists()


def test_a_file_without_session_ids_matches_sessions_by_their_start(staff, spanish):
    client = client_for(staff)
    table = importer.read_table(client.get(f"{EXPORT}.csv").content, "csv")
    header = table.header[:-1]
    data = importer.write_csv(importer.Table(header, [(n, cells[:-1]) for n, cells in table.rows]))
    upload(client, data)
    assert counts(ImportJob.objects.get().summary) == ((0, 0, 2), (0, 0, 2))


def test_opportunities_and_sessions_missing_from_the_file_are_left_alone(staff, spanish):
    client = client_for(staff)
    upload_and_confirm(client, csv_bytes([GOOD_ROWS[2]]))
    job = ImportJob.objects.get()
    assert job.summary["opportunities"]["not_in_file"] == 2
    assert Opportunity.objects.filter(slug__in=["spanish", "quiet", "coding-club"]).count() == 3
    assert spanish.sessions.count() == 2


def test_a_catalogue_changed_after_the_preview_is_previewed_again(staff, spanish):
    client = client_for(staff)
    exported = client.get(f"{EXPORT}.csv").content.decode("utf-8-sig")
    upload(client, exported.replace("'=Spanish, for everyone", "Spanish").encode())
    job = ImportJob.objects.get()
    assert counts(job.summary)[0] == (0, 1, 1)
    Opportunity.objects.filter(slug="spanish").update(title="Spanish")  # someone else did it

    page = confirm(client, job).content.decode()

    job.refresh_from_db()
    assert job.status == ImportJobStatus.READY
    assert counts(job.summary)[0] == (0, 0, 2)
    assert "Your catalogue changed after the file was checked" in page


def test_a_preview_cannot_be_confirmed_twice_or_by_another_provider(staff, city_a, spanish):
    client = client_for(staff)
    upload_and_confirm(client, csv_bytes([GOOD_ROWS[2]]))
    page = confirm(client).content.decode()
    assert "not waiting for a confirmation any more" in page
    assert Opportunity.objects.filter(slug="coding-club").count() == 1
    outsider = make_user("outsider@example.org")
    make_staff(make_provider(city_a, slug="alpha-college"), outsider)
    job = ImportJob.objects.get()
    response = client_for(outsider).post(f"/alpha/learn/workspace/imports/{job.public_id}/confirm/")
    assert response.status_code == 403


def test_the_kind_is_imported_and_exported(staff, provider):
    rows = [["talk", "A talk", "informal", "online", "", "", "", "", "", "", ""]]
    header = [*HEADER[:2], "kind", *HEADER[2:]]
    upload_and_confirm(
        client_for(staff), csv_bytes([[*row[:2], "lecture", *row[2:]] for row in rows], header)
    )
    assert Opportunity.objects.get(slug="talk").kind == "lecture"
    exported = client_for(staff).get(f"{EXPORT}.csv").content.decode("utf-8-sig")
    header_line, row_line = exported.splitlines()[:2]
    assert header_line.split(",")[2] == "kind" and row_line.split(",")[2] == "lecture"
    bad = [["odd", "Odd", "nonsense-kind", "informal", "online"] + [""] * 7]
    upload(client_for(staff), csv_bytes(bad, header))
    errors = ImportJob.objects.latest("created_at").errors
    assert [(e["row"], e["column"]) for e in errors] == [(2, "kind")]


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
    assert job.status == ImportJobStatus.READY and job.progress == 10
    page = client.get(f"/alpha/learn/workspace/imports/{job.public_id}/").content.decode()
    assert "hx-trigger" not in page and "refresh" not in page  # it waits for the person
    assert not Opportunity.objects.exists()

    confirm(client, job)  # large: saved by the worker, not during the request
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CONFIRMED and not Opportunity.objects.exists()
    call_command("run-jobs")

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.data == b""
    assert Opportunity.objects.count() == 10
    page = client.get(f"/alpha/learn/workspace/imports/{job.public_id}/").content.decode()
    assert "Saved." in page and "hx-trigger" not in page


def test_a_job_runs_once_even_if_two_workers_see_it(staff, provider, monkeypatch):
    monkeypatch.setattr(services, "INLINE_IMPORT_ROWS", 0)
    upload(client_for(staff), csv_bytes(many_rows(2)))
    job = ImportJob.objects.get()
    assert services.run_import_job(job) is True
    assert services.run_import_job(job) is False
    job.refresh_from_db()
    assert job.status == ImportJobStatus.READY
    confirm(client_for(staff), job)
    assert services.apply_import_job(job) is True
    assert services.apply_import_job(job) is False
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
    out = capsys.readouterr().out
    assert "Imported: opportunities 2 new, 0 changed, 0 unchanged; sessions 2 new" in out
    assert Opportunity.objects.count() == 2
    call_command(
        "import-opportunities", "--city", "alpha", "--provider", "alpha-library", "--dry-run", path
    )
    assert "Would import: opportunities 0 new, 0 changed, 2 unchanged" in capsys.readouterr().out


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
