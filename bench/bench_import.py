"""Benchmark of the opportunity import: a 10,000-row file, checked and saved; and how
fast, and in how much memory, files that are too large are refused.

    python bench/bench_import.py [--rows 10000] [--format csv|xlsx]   # an import
    python bench/bench_import.py --refuse [--repeat 3]                # refusals

The import uses a fresh SQLite database in a temporary folder (or ``DATABASE_URL`` if
set, whose ``test_`` copy it creates and drops). Half the rows add a second session to
the opportunity of the row before, a third of the sessions repeat weekly. Prints the
time of each stage (read, check and plan, save with the finder's schedule refresh) and
of the whole background job (check then apply), with rows per second.

``--refuse`` writes three workbooks the way spreadsheet programs do (a cell reference
on every cell) and has the importer's ``read_table`` refuse each in a new process,
``--repeat`` times: 60,000 rows (over the 50,000-row limit, refused while streaming),
1,000,000 rows in about 19 MB (refused from the zip's declared sizes before the
workbook is opened) and 1,000,000 rows compressed about 290:1 without cell references
(refused from the compression ratio). Prints the median time and the median peak
resident memory of the process (and its memory before reading, for comparison).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HEADER = [
    "slug", "title", "description", "level", "format", "topics", "languages", "cost", "fee",
    "capacity", "site", "session_starts", "session_ends", "session_repeats", "session_places",
]  # fmt: skip


def synthetic_rows(count: int, first_day: str) -> list[list[str]]:
    return list(iter_synthetic_rows(count, first_day))


def iter_synthetic_rows(count: int, first_day: str) -> Iterator[list[str]]:
    """``count`` rows: opportunity n on row 2n, its second session on row 2n + 1."""
    for index in range(count):
        number = index // 2
        hour = 9 + index % 10
        repeats = "FREQ=WEEKLY;COUNT=8" if index % 3 == 0 else ""
        starts = f"{first_day} {hour:02d}:00"
        ends = f"{first_day} {hour + 1:02d}:30"
        if index % 2 == 0:
            yield [
                f"course-{number}", f"Course number {number}", "A course to learn things.",
                "non_formal", "in_person", "digital;work", "en;fr", "fee", "12.50", "20",
                f"site-{number % 50}", starts, ends, repeats, "",
            ]  # fmt: skip
        else:
            yield [f"course-{number}"] + [""] * 10 + [starts, ends, repeats, "15"]


def as_file(rows: list[list[str]], file_format: str) -> bytes:
    from learningcity.catalogue import importer

    table = importer.Table(header=HEADER, rows=list(enumerate(rows, start=2)))
    return importer.write_csv(table) if file_format == "csv" else importer.write_xlsx(table)


def timed(label: str, function: Callable[[], Any], rows: int) -> Any:
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    print(f"{label:<38} {seconds:8.2f} s  {rows / seconds:10,.0f} rows/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--refuse", action="store_true", help="measure refusals instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--read-one", help=argparse.SUPPRESS)  # a child process's file
    arguments = parser.parse_args()
    if arguments.read_one:
        read_one(Path(arguments.read_one))
    elif arguments.refuse:
        refuse(arguments.repeat)
    else:
        import_rows(arguments.rows, arguments.format)


def setup_django() -> None:
    os.environ.setdefault("LEARNINGCITY_DATA_DIR", tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()


# ---------------------------------------------------------------------------
# Refusing files that are too large


def refuse(repeat: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-refuse-"))
    first = "2030-03-02"
    cases = [
        ("60,000-row XLSX", "rows-60k.xlsx", lambda: sheet_rows(60_000, first), True),
        ("1,000,000-row XLSX", "rows-1m.xlsx", lambda: session_rows(1_000_000, first), True),
        ("1,000,000 rows at ~290:1", "bomb-1m.xlsx", lambda: bomb_rows(1_000_000), False),
    ]
    print(f"refusals, median of {repeat} runs, each in a new process")
    columns = ("size", "unpacked", "time", "CPU", "peak RSS", "before")
    print(f"{'file':<26} " + " ".join(f"{name:>9}" for name in columns))
    for label, name, rows, with_references in cases:
        path = folder / name
        write_workbook(path, rows(), with_references)
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
        runs = [measure_in_child(path) for _ in range(repeat)]
        seconds = statistics.median(run["seconds"] for run in runs)
        cpu = statistics.median(run["cpu"] for run in runs)
        peak = statistics.median(run["peak_mib"] for run in runs)
        before = statistics.median(run["before_mib"] for run in runs)
        print(
            f"{label:<26} {path.stat().st_size / 1e6:6.1f} MB {unpacked / 1e6:7.0f} MB "
            f"{seconds:7.2f}s {cpu:7.2f}s {peak:6.0f} MiB {before:4.0f} MiB"
        )
        print(f"  {runs[0]['message']}")
        path.unlink()


def measure_in_child(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--read-one", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def read_one(path: Path) -> None:
    """In a new process: the importer reads (and should refuse) one file."""
    setup_django()
    from learningcity.catalogue import importer

    data = path.read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        table = importer.read_table(data, importer.file_format_for(path.name))
        message = f"read {len(table.rows):,} rows (not refused)"
    except importer.UnreadableFile as refused:
        message = refused.message
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mib": peak, "before_mib": before,
                      "message": message}))  # fmt: skip


def sheet_rows(count: int, first_day: str) -> Iterator[list[str]]:
    yield HEADER
    yield from iter_synthetic_rows(count, first_day)


def session_rows(count: int, first_day: str) -> Iterator[list[str]]:
    """Rows that each add a session (short rows: a million fit in about 19 MB)."""
    yield HEADER
    for index in range(count):
        hour = 9 + index % 10
        starts, ends = f"{first_day} {hour:02d}:00", f"{first_day} {hour + 1:02d}:30"
        yield [f"course-{index // 8}"] + [""] * 10 + [starts, ends, "", "15"]


def bomb_rows(count: int) -> Iterator[list[str]]:
    yield HEADER
    row = ["course", "Course", "", "informal", "online"] + [""] * 10
    for _ in range(count):
        yield row


def write_workbook(path: Path, rows: Iterator[Sequence[str]], with_references: bool) -> None:
    """A one-sheet workbook written straight into the zip, row by row, with inline
    strings (as openpyxl writes them) and, like Excel, a reference on every cell when
    ``with_references``."""
    from openpyxl import Workbook

    template = Workbook()
    template.active.append(["x"])
    template_path = path.with_suffix(".template.xlsx")
    template.save(template_path)
    sheet_name = "xl/worksheets/sheet1.xml"
    with (
        zipfile.ZipFile(template_path) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for entry in source.infolist():
            if entry.filename != sheet_name:
                target.writestr(entry, source.read(entry.filename))
        with target.open(sheet_name, "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            for number, cells in enumerate(rows, start=1):
                sheet.write(row_xml(number, cells, with_references))
            sheet.write(b"</sheetData></worksheet>")
    template_path.unlink()


def row_xml(number: int, cells: Sequence[str], with_references: bool) -> bytes:
    parts = [f'<row r="{number}">' if with_references else "<row>"]
    for column, cell in enumerate(cells):
        if not cell:
            continue
        reference = f' r="{COLUMN_LETTERS[column]}{number}"' if with_references else ""
        parts.append(f'<c{reference} t="inlineStr"><is><t>{escape(cell)}</t></is></c>')
    parts.append("</row>")
    return "".join(parts).encode()


COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# ---------------------------------------------------------------------------
# Importing


def import_rows(count: int, file_format: str) -> None:
    setup_django()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        run(count, file_format, timezone.now() + timedelta(days=30))
    finally:
        teardown_databases(old_config, verbosity=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor}; peak resident memory of the process: {peak:.0f} MiB")


def run(count: int, file_format: str, first: Any) -> None:
    from decimal import Decimal

    from learningcity.catalogue import importer, services
    from learningcity.catalogue.models import (
        ImportJob,
        ImportJobStatus,
        LearningSite,
        Opportunity,
        Provider,
        Session,
    )
    from learningcity.core.models import City

    city = City.objects.create(
        slug="bench", name="Bench", country="Testland", country_code="TL",
        region="europe_north_america", population=100_000, area_km2=Decimal(50),
        languages=["en"], time_zone="Europe/Dublin", latitude=51.9, longitude=-8.47,
    )  # fmt: skip
    provider = Provider.objects.create(city=city, slug="bench", name="Bench", sector="public")
    LearningSite.objects.bulk_create(
        LearningSite(city=city, slug=f"site-{n}", name=f"Site {n}", kind="library")
        for n in range(50)
    )
    rows = synthetic_rows(count, first.strftime("%Y-%m-%d"))
    data = as_file(rows, file_format)
    print(f"{count:,} rows, {file_format}, {len(data) / 1e6:.1f} MB")

    table = timed("read the file", lambda: importer.read_table(data, file_format), count)
    preview = timed(
        "check and plan every row (preview)",
        lambda: services.preview_import(provider=provider, table=table),
        count,
    )
    assert preview.ok, preview.errors[:3]
    saved = timed(
        "check, plan and save (one transaction)",
        lambda: services.import_opportunities(actor=None, provider=provider, table=table),
        count,
    )
    assert saved.ok, saved.errors[:3]
    opportunities, sessions = Opportunity.objects.count(), Session.objects.count()
    print(f"saved {opportunities:,} opportunities and {sessions:,} sessions")

    Opportunity.objects.all().delete()
    job = ImportJob.objects.create(
        city=city, provider=provider, file_name=f"bench.{file_format}",
        file_format=file_format, data=data, total=count,
    )  # fmt: skip

    def whole_job() -> None:
        services.run_import_job(job)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.CONFIRMED)
        services.apply_import_job(job)

    timed("whole background job (check, then apply)", whole_job, count)
    job.refresh_from_db()
    print(f"job: {job.status}, {job.opportunities_created:,} opportunities")
    with_bad_row = [*rows[:-1], ["bad slug!", "", "expert"] + [""] * 12]
    bad_table = importer.read_table(as_file(with_bad_row, file_format), file_format)
    refused = timed(
        "check a file with errors (refused)",
        lambda: services.preview_import(provider=provider, table=bad_table),
        count,
    )
    print(f"errors found: {len(refused.errors)}")


if __name__ == "__main__":
    main()
