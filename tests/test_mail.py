"""The outbox: mail is queued with what caused it, sent afterwards, and never lost."""

from __future__ import annotations

import email
import shutil
import smtplib
import socket
import ssl
import subprocess
from email import policy
from email.message import EmailMessage

import pytest
from flask import Blueprint, abort
from sqlalchemy import delete, select

from quiz_service import db as service_db
from quiz_service import mail
from quiz_service.cli import main
from quiz_service.models import Mail

SENDER = "Verzonnen Academie <academie@verzonnen.example>"


@pytest.fixture
def outbox(db):
    """The module's database with an empty mail table (other tests leave mail behind)."""
    with db.session() as session:
        session.execute(delete(Mail))
        session.commit()
    return db


def queued(db, count=1, aan="iemand@verzonnen.example") -> list[int]:
    ids = []
    with db.session() as session:
        for number in range(count):
            item = mail.queue(session, aan, f"Onderwerp {number}", f"Tekst {number} met é en ë.")
            session.flush()
            ids.append(item.id)
        session.commit()
    return ids


def stored(db, mail_id) -> Mail:
    with db.session() as session:
        return session.get(Mail, mail_id)


def eml_files(directory):
    return sorted(directory.glob("*.eml")) if directory.exists() else []


def read_eml(path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


class Recorder:
    """A transport that keeps what it was given."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    def send(self, message):
        self.messages.append(message)

    def close(self):
        pass


class Broken:
    """A transport whose mail server is always down."""

    def send(self, message):
        raise ConnectionRefusedError(111, "Connection refused")

    def close(self):
        pass


# --- Queueing ---


def test_a_mail_exists_only_when_what_queued_it_is_committed(outbox):
    with outbox.session() as session:
        mail.queue(session, "weg@verzonnen.example", "Onderwerp", "Tekst")
        session.rollback()
        mail.queue(session, "blijft@verzonnen.example", "Onderwerp", "Tekst")
        session.commit()
    with outbox.session() as session:
        assert session.scalars(select(Mail.aan)).all() == ["blijft@verzonnen.example"]


# --- Sending ---


def test_pending_mail_is_sent_oldest_first_and_only_once(outbox):
    ids = queued(outbox, 3)
    recorder = Recorder()
    with outbox.session() as session:
        result = mail.send_pending(session, recorder, SENDER)
    assert (result.sent, result.failed) == (3, 0)
    assert [m["Subject"] for m in recorder.messages] == [
        "Onderwerp 0",
        "Onderwerp 1",
        "Onderwerp 2",
    ]
    assert all(stored(outbox, i).sent_at is not None for i in ids)
    with outbox.session() as session:
        again = mail.send_pending(session, recorder, SENDER)
    assert (again.sent, len(recorder.messages)) == (0, 3)


def test_send_pending_sends_at_most_the_limit(outbox):
    queued(outbox, 3)
    recorder = Recorder()
    with outbox.session() as session:
        assert mail.send_pending(session, recorder, SENDER, limit=2).sent == 2
        assert mail.send_pending(session, recorder, SENDER, limit=2).sent == 1


def test_a_failure_is_recorded_and_the_mail_waits_for_the_next_run(outbox):
    (mail_id,) = queued(outbox)
    with outbox.session() as session:
        result = mail.send_pending(session, Broken(), SENDER)  # does not raise
    assert (result.sent, result.failed) == (0, 1)
    waiting = stored(outbox, mail_id)
    assert waiting.sent_at is None
    assert waiting.pogingen == 1
    assert "Connection refused" in waiting.laatste_fout
    recorder = Recorder()
    with outbox.session() as session:
        assert mail.send_pending(session, recorder, SENDER).sent == 1
    sent = stored(outbox, mail_id)
    assert sent.sent_at is not None
    assert sent.laatste_fout is None
    assert sent.pogingen == 2


def test_one_failing_mail_does_not_stop_the_others(outbox):
    bad, good = queued(outbox, 2)

    class RefusesOne(Recorder):
        def send(self, message):
            if message["Subject"] == "Onderwerp 0":
                raise smtplib.SMTPRecipientsRefused({"iemand@verzonnen.example": (550, b"nee")})
            super().send(message)

    with outbox.session() as session:
        result = mail.send_pending(session, RefusesOne(), SENDER)
    assert (result.sent, result.failed) == (1, 1)
    assert stored(outbox, bad).sent_at is None
    assert stored(outbox, good).sent_at is not None


def test_a_mail_server_that_is_down_stops_the_run_without_counting_the_other_mails(outbox):
    first, *others = queued(outbox, 3)
    with outbox.session() as session:
        result = mail.send_pending(session, Broken(), SENDER)
    assert (result.sent, result.failed) == (0, 1)
    assert stored(outbox, first).pogingen == 1
    assert [stored(outbox, i).pogingen for i in others] == [0, 0]


def test_after_the_maximum_number_of_attempts_a_mail_is_no_longer_tried(outbox):
    (mail_id,) = queued(outbox)
    for _ in range(mail.MAX_ATTEMPTS):
        with outbox.session() as session:
            assert mail.send_pending(session, Broken(), SENDER).failed == 1
    recorder = Recorder()
    with outbox.session() as session:
        assert mail.send_pending(session, recorder, SENDER).sent == 0
    assert recorder.messages == []
    given_up = stored(outbox, mail_id)
    assert (given_up.pogingen, given_up.sent_at) == (mail.MAX_ATTEMPTS, None)
    assert given_up.laatste_fout, "de laatste fout blijft bewaard voor wie het nakijkt"


def test_the_message_has_sender_recipient_subject_and_plain_text(outbox):
    queued(outbox, aan="ontvanger@verzonnen.example")
    recorder = Recorder()
    with outbox.session() as session:
        mail.send_pending(session, recorder, SENDER)
    (message,) = recorder.messages
    assert message["From"] == SENDER
    assert message["To"] == "ontvanger@verzonnen.example"
    assert message["Message-ID"].endswith("@verzonnen.example>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip() == "Tekst 0 met é en ë."


# --- The file transport ---


def test_the_file_transport_writes_each_mail_as_an_eml_file(outbox, tmp_path):
    queued(outbox, 2)
    folder = tmp_path / "outbox"
    with outbox.session() as session:
        mail.send_pending(session, mail.FileTransport(folder), SENDER)
    files = eml_files(folder)
    assert len(files) == 2
    assert not list(folder.glob("*.tmp"))
    message = read_eml(files[0])
    assert message["To"] == "iemand@verzonnen.example"
    assert "met é en ë" in message.get_content()


def test_without_an_smtp_host_mail_goes_to_the_outbox_folder(tmp_path):
    transport = mail.transport_for({"SMTP_HOST": "", "OUTBOX_DIR": str(tmp_path)})
    assert isinstance(transport, mail.FileTransport)
    smtp = mail.transport_for({"SMTP_HOST": "smtp.verzonnen.example", "OUTBOX_DIR": str(tmp_path)})
    assert isinstance(smtp, mail.SMTPTransport)
    assert mail.transport_for({"SMTP_HOST": "", "OUTBOX_DIR": None}) is None


def test_the_default_outbox_is_instance_outbox_in_the_project(monkeypatch):
    monkeypatch.delenv("MZA_OUTBOX_DIR", raising=False)
    assert mail.outbox_dir() == service_db.ROOT / "instance" / "outbox"


# --- SMTP against a real local server ---


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """Start an SMTP server on 127.0.0.1; `smtp_server(port=..., **smtp_options)` → inbox."""
    from aiosmtpd.controller import Controller

    controllers = []

    def start(port=None, **options):
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port(), **options)
        controller.start()
        controllers.append(controller)
        inbox.port = controller.port
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


def test_the_smtp_transport_delivers_to_a_mail_server(outbox, smtp_server):
    inbox = smtp_server()
    queued(outbox, 2, aan="ontvanger@verzonnen.example")
    transport = mail.SMTPTransport("127.0.0.1", inbox.port, starttls=False)
    with outbox.session() as session:
        assert mail.send_pending(session, transport, SENDER).sent == 2
    assert len(inbox.received) == 2
    mail_from, recipients, message = inbox.received[0]
    assert mail_from == "academie@verzonnen.example"
    assert recipients == ["ontvanger@verzonnen.example"]
    assert message["Subject"] == "Onderwerp 0"
    assert "met é en ë" in message.get_content()


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1: (server context, client context)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl ontbreekt; nodig om een testcertificaat te maken")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


def test_the_smtp_transport_uses_starttls_and_logs_in(outbox, smtp_server, certificate):
    from aiosmtpd.smtp import AuthResult

    server_tls, client_tls = certificate
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password, session.ssl is not None))
        ok = (auth_data.login, auth_data.password) == (b"verzonnen", b"geheim-verzonnen")
        return AuthResult(success=ok, handled=False)

    inbox = smtp_server(
        tls_context=server_tls,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    queued(outbox)
    transport = mail.SMTPTransport(
        "127.0.0.1",
        inbox.port,
        user="verzonnen",
        password="geheim-verzonnen",
        starttls=True,
        ssl_context=client_tls,
    )
    with outbox.session() as session:
        assert mail.send_pending(session, transport, SENDER).sent == 1
    assert logins == [(b"verzonnen", b"geheim-verzonnen", True)], "ingelogd na STARTTLS"
    assert len(inbox.received) == 1


def test_a_wrong_smtp_password_leaves_the_mail_queued_with_the_error(
    outbox, smtp_server, certificate
):
    from aiosmtpd.smtp import AuthResult

    server_tls, client_tls = certificate
    inbox = smtp_server(
        tls_context=server_tls,
        require_starttls=True,
        authenticator=lambda *args: AuthResult(success=False, handled=False),
        auth_required=True,
    )
    (mail_id,) = queued(outbox)
    transport = mail.SMTPTransport(
        "127.0.0.1", inbox.port, user="verzonnen", password="fout", ssl_context=client_tls
    )
    with outbox.session() as session:
        assert mail.send_pending(session, transport, SENDER).failed == 1
    assert "SMTPAuthenticationError" in stored(outbox, mail_id).laatste_fout
    assert inbox.received == []


def test_a_mail_server_that_is_down_leaves_the_mail_queued_and_the_next_run_sends_it(
    outbox, smtp_server
):
    port = free_port()  # nothing listens here yet
    (mail_id,) = queued(outbox, aan="later@verzonnen.example")
    transport = mail.SMTPTransport("127.0.0.1", port, starttls=False, timeout=5)
    with outbox.session() as session:
        assert mail.send_pending(session, transport, SENDER).failed == 1
    waiting = stored(outbox, mail_id)
    assert waiting.sent_at is None
    assert "ConnectionRefusedError" in waiting.laatste_fout

    inbox = smtp_server(port=port)  # the server is back
    with outbox.session() as session:
        assert mail.send_pending(session, transport, SENDER).sent == 1
    assert [recipients for _, recipients, _ in inbox.received] == [["later@verzonnen.example"]]
    assert stored(outbox, mail_id).sent_at is not None


# --- Sending right after the request ---

probe = Blueprint("mail_probe", __name__)


@probe.route("/test/mail/<outcome>", methods=["POST"])
def queue_in_a_request(outcome):
    session = service_db.session()
    mail.queue(session, f"{outcome}@verzonnen.example", "Uit een verzoek", "Tekst")
    if outcome == "mislukt":
        session.rollback()
        abort(409)
    session.commit()
    return "klaar"


@pytest.fixture
def probe_app(academie_app):
    def make(**config):
        app = academie_app(WTF_CSRF_ENABLED=False, **config)
        app.register_blueprint(probe)
        return app

    return make


def test_after_a_request_that_queued_mail_it_is_sent_right_away(outbox, probe_app, tmp_path):
    folder = tmp_path / "outbox"
    client = probe_app(OUTBOX_DIR=str(folder)).test_client()
    assert client.post("/test/mail/gelukt").status_code == 200
    mail.wait_for_senders()
    (path,) = eml_files(folder)
    assert read_eml(path)["To"] == "gelukt@verzonnen.example"


def test_a_request_whose_change_was_rolled_back_sends_no_mail(outbox, probe_app, tmp_path):
    folder = tmp_path / "outbox"
    client = probe_app(OUTBOX_DIR=str(folder)).test_client()
    assert client.post("/test/mail/mislukt").status_code == 409
    mail.wait_for_senders()
    assert eml_files(folder) == []
    with outbox.session() as session:
        assert session.scalars(select(Mail)).all() == []


def test_a_mail_server_that_is_down_does_not_fail_the_request(outbox, probe_app):
    client = probe_app(MAIL_TRANSPORT=Broken()).test_client()
    assert client.post("/test/mail/gelukt").status_code == 200
    mail.wait_for_senders()
    with outbox.session() as session:
        (waiting,) = session.scalars(select(Mail)).all()
    assert waiting.sent_at is None
    assert waiting.pogingen == 1


def test_tests_never_send_mail_unless_they_configure_it(outbox, probe_app, monkeypatch):
    monkeypatch.setenv("MZA_SMTP_HOST", "smtp.verzonnen.example")
    app = probe_app()
    assert mail.transport_for(app.config) is None
    assert app.test_client().post("/test/mail/gelukt").status_code == 200
    with outbox.session() as session:
        assert session.scalars(select(Mail.sent_at)).all() == [None]


# --- The command for a cron job ---


@pytest.fixture
def cli_env(outbox, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", outbox.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MZA_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.delenv("MZA_SMTP_HOST", raising=False)
    return tmp_path / "outbox"


def test_send_mail_sends_what_is_pending(outbox, cli_env, capsys):
    queued(outbox, 2)
    assert main(["send-mail"]) == 0
    assert "Mail verstuurd: 2. Mislukt: 0." in capsys.readouterr().out
    assert len(eml_files(cli_env)) == 2
    assert main(["send-mail"]) == 0
    assert len(eml_files(cli_env)) == 2


def test_send_mail_fails_loudly_when_the_mail_server_is_down(outbox, cli_env, monkeypatch, capsys):
    monkeypatch.setenv("MZA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MZA_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("MZA_SMTP_STARTTLS", "0")
    (mail_id,) = queued(outbox)
    assert main(["send-mail"]) == 1
    output = capsys.readouterr()
    assert "Mislukt: 1." in output.out
    assert "blijft klaarstaan" in output.err
    assert stored(outbox, mail_id).sent_at is None
