"""`quiz-service serve` in production: one process (waitress) or one per core (gunicorn)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.parse

import psutil
import pytest

from benchmarks.service_load import Visitor, answers_body, free_port
from quiz_service.migrate import upgrade
from quiz_service.server import workers
from tests.academie import ROOT


def _serve(tmp_path, count: str, port: int) -> subprocess.Popen:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Verzonnen portal</title>", "utf-8")
    url = f"sqlite:///{tmp_path / 'academie.sqlite3'}"
    upgrade(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MZA_WERKPROCESSEN": count,
        "MZA_PORT": str(port),
        "MZA_SECRET_KEY": "verzonnen-sleutel-voor-de-test-" + "0" * 40,
        "MZA_HTTPS": "0",
        "MZA_SITE_DIR": str(site),
        "MZA_ZOEKINDEX_DIR": str(tmp_path / "zoekindex"),
        "MZA_OUTBOX_DIR": str(tmp_path / "outbox"),
        "MZA_SMTP_HOST": "",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "quiz_service.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_until_serving(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if Visitor(port, "wachter@verzonnen.example").send("GET", "/")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("de dienst startte niet binnen 60 seconden")


def _stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


@pytest.mark.parametrize("count", ["1", "2"])
def test_serve_runs_the_portal_and_a_whole_practice_quiz(tmp_path, count):
    port = free_port()
    process = _serve(tmp_path, count, port)
    try:
        _wait_until_serving(port, process)
        workers_seen = psutil.Process(process.pid).children()
        assert len(workers_seen) == (0 if count == "1" else 2), workers_seen

        browser = Visitor(port, "oefenaar@verzonnen.example")
        quiz = "/academie/ziektebeelden/dementie/toets"
        assert browser.send("GET", quiz)[0] == 200 and browser.token and browser.cookie
        assert browser.send("POST", quiz, {})[0] == 303
        assert "/academie/pogingen/" in browser.location
        attempt = urllib.parse.urlsplit(browser.location).path
        # The session one process started holds in the other: the attempt is this visitor's.
        for _ in range(4):
            assert browser.send("GET", attempt)[0] == 200
        answers = urllib.parse.parse_qsl(answers_body())
        assert browser.send("POST", attempt, answers)[0] == 303
        status, page = browser.send("GET", urllib.parse.urlsplit(browser.location).path)
        assert status == 200, page
        # Every answer right (answers_body), graded by whichever process got the request.
        assert re.search(r"U had (\d+) van de \1 vragen goed \(100%\)", page), page
    finally:
        output = _stop(process)
    processes = "1 proces" if count == "1" else "2 processen"
    assert f"draait op http://127.0.0.1:{port}/ ({processes}" in output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("value", ["twee", "0", "-1", ""])
def test_a_number_of_processes_that_is_no_number_is_refused_in_dutch(monkeypatch, value):
    monkeypatch.setenv("MZA_WERKPROCESSEN", value)
    with pytest.raises(SystemExit, match=r"MZA_WERKPROCESSEN is .*geen aantal — zet het op 1"):
        workers()
