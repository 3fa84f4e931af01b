"""Killing the worker in the middle of a job loses nothing and leaves nothing stuck.

A real huey consumer (``learningcity run_huey``) runs in its own process on a database
and a queue of its own: SQLite files in a temporary directory, or a fresh PostgreSQL
database when the suite runs on PostgreSQL. It is killed (SIGKILL, no clean-up) while
it saves an import, with the rows written and not yet committed. The reaper then finds
the job, whose lease has run out, and queues it again; a second worker saves it. The
catalogue ends with each row of the file exactly once. The helpers that run in those
processes are in ``task_worker.py``.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HELPER = Path(__file__).with_name("task_worker.py")
LEARNINGCITY = Path(sys.executable).with_name("learningcity")
ROWS = 600  # more than services.INLINE_IMPORT_ROWS: a background job


class Sandbox:
    """The worker's own database and queue, and ways to run things against them."""

    def __init__(self, env: dict[str, str], query: Callable[[str], list[tuple[Any, ...]]]):
        self.env = env
        self.query = query
        self.workers: list[subprocess.Popen[bytes]] = []

    def run(self, *arguments: str) -> None:
        subprocess.run([sys.executable, str(HELPER), *arguments], env=self.env, check=True)

    def start_worker(self, **extra: str) -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [sys.executable, str(HELPER), "worker"],
            env={**self.env, **extra},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers.append(worker)
        return worker

    def job(self) -> dict[str, Any]:
        [(status, attempts, stalls, size, errors)] = self.query(
            "SELECT status, attempts, stalls, length(data), errors FROM catalogue_importjob"
        )
        return {
            "status": status,
            "attempts": attempts,
            "stalls": stalls,
            "file": size,
            "errors": errors,
        }

    def slugs(self) -> list[str]:
        return [slug for (slug,) in self.query("SELECT slug FROM catalogue_opportunity")]

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()


def wait_for(condition: Callable[[], bool], what: str, worker: subprocess.Popen[bytes]) -> None:
    """Wait until ``condition()`` holds (a guard against hanging, not a time limit)."""
    deadline = time.monotonic() + 120
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE", "PAUSE_WHILE_SAVING"}
    }
    env |= {
        "LEARNINGCITY_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "learningcity.settings",
        "PYTHONPATH": str(ROOT),
        "HUEY_IMMEDIATE": "0",
    }
    if connection.vendor == "postgresql":
        with _postgres_database() as url:
            env["DATABASE_URL"] = url
            yield from _migrated(env, _postgres_query(url))
    else:
        yield from _migrated(env, _sqlite_query(tmp_path / "learningcity.sqlite3"))


def _migrated(
    env: dict[str, str], query: Callable[[str], list[tuple[Any, ...]]]
) -> Iterator[Sandbox]:
    subprocess.run(
        [str(LEARNINGCITY), "migrate", "--noinput"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    box = Sandbox(env, query)
    try:
        yield box
    finally:
        box.stop_workers()


def _sqlite_query(path: Path) -> Callable[[str], list[tuple[Any, ...]]]:
    def query(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path, timeout=30) as database:
            return database.execute(sql).fetchall()

    return query


class _postgres_database:
    """A database of its own on the suite's PostgreSQL server, dropped afterwards."""

    def __enter__(self) -> str:
        import psycopg

        settings = connection.settings_dict
        self.server = {
            "host": settings["HOST"] or "127.0.0.1",
            "port": settings["PORT"] or 5432,
            "user": settings["USER"],
            "password": settings["PASSWORD"] or None,
            "dbname": "postgres",
            "autocommit": True,
        }
        self.name = f"lc_worker_killed_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**self.server) as server:
            server.execute(f'CREATE DATABASE "{self.name}"')
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        return (
            f"postgres://{settings['USER']}{password}@{self.server['host']}:"
            f"{self.server['port']}/{self.name}"
        )

    def __exit__(self, *exc_info: object) -> None:
        import psycopg

        with psycopg.connect(**self.server) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _postgres_query(url: str) -> Callable[[str], list[tuple[Any, ...]]]:
    import psycopg

    def query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(url) as database:
            return database.execute(sql.replace("length(data)", "octet_length(data)")).fetchall()

    return query


def test_a_worker_killed_while_saving_an_import_is_replaced_and_imports_once(sandbox, tmp_path):
    sandbox.run("upload", str(ROWS))
    assert sandbox.job()["status"] == "pending"  # queued for the worker
    saving = tmp_path / "saving"
    first = sandbox.start_worker(PAUSE_WHILE_SAVING=str(saving))
    wait_for(lambda: sandbox.job()["status"] == "ready", "the file to be checked", first)
    sandbox.run("confirm")
    wait_for(saving.exists, "the rows to be written", first)
    # Mid-job: the worker has written every row in its transaction, not committed.
    assert sandbox.job()["status"] == "saving" and sandbox.slugs() == []

    first.send_signal(signal.SIGKILL)
    first.wait()

    stuck = sandbox.job()
    assert stuck["status"] == "saving" and stuck["stalls"] == 0  # nobody knows yet
    sandbox.run("reap")  # the periodic reaper, once the lease has run out
    assert sandbox.job()["status"] == "confirmed" and sandbox.job()["stalls"] == 1
    second = sandbox.start_worker()
    wait_for(lambda: sandbox.job()["status"] == "done", "the job to be saved again", second)

    done = sandbox.job()
    assert done["attempts"] == 3  # checked once, saving started twice
    assert done["file"] == 0  # the uploaded file is dropped
    slugs = sandbox.slugs()
    assert len(slugs) == ROWS and set(slugs) == {f"course-{n}" for n in range(ROWS)}
