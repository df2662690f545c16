"""The outbox: mail is queued in the database with what caused it, and sent afterwards.

`queue` only adds a `Mail` row to the caller's session, so a mail exists exactly when what
caused it (a reset request, an imported account) was committed. `send_pending` sends what is
waiting; a mail server that is down leaves the mail queued with the error, for the next run.
Two ways to send: `.eml` files in a folder (development) or SMTP (when a host is configured).

SQLite note (see quiz_service/quizzes.py): every write below is the first statement of its
transaction; the read of what is pending has a transaction of its own.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from secrets import token_hex
from typing import Any, Protocol

from flask import Flask, Response, current_app, g, has_app_context
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from site_builder import settings

from .db import ROOT
from .models import Mail

log = logging.getLogger(__name__)

# With `quiz-service send-mail` in a cron job every five minutes, twenty attempts are well over
# an hour and a half of retrying. A mail that failed that often needs a person (a wrong address,
# a mail server that refuses us), and by then a reset link in it has expired anyway.
MAX_ATTEMPTS = 20

# Enough for one cron run or one request; the rest waits for the next run.
DEFAULT_BATCH = 100

# Seconds to wait for the mail server; a request that sends afterwards must not hang for long.
SMTP_TIMEOUT = 15

# `laatste_fout` is a String(1000).
_MAX_ERROR_LENGTH = 1000

# One sender at a time per process: two requests that both queued mail would otherwise send
# the same pending mail twice.
_sending = threading.Lock()


class Transport(Protocol):
    """Delivers one message; raises on failure. `close` ends a connection, if there is one."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class FileTransport:
    """Writes each mail as an `.eml` file: for development, open it with any mail program."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        path = self.directory / f"{stamp}-{token_hex(4)}.eml"
        # Written under another name first, so a reader never sees half a mail.
        partial = path.with_suffix(".tmp")
        partial.write_bytes(bytes(message))
        os.replace(partial, path)

    def close(self) -> None:
        pass


class SMTPTransport:
    """Sends through an SMTP server; one connection for a whole batch, opened when needed."""

    # bandit B107: no password means: do not log in to the mail server.
    def __init__(  # nosec B107
        self,
        host: str,
        port: int = 587,
        user: str = "",
        password: str = "",
        starttls: bool = True,
        timeout: float = SMTP_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.host, self.port, self.user, self.password = host, port, user, password
        self.starttls, self.timeout = starttls, timeout
        self.ssl_context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls(context=self.ssl_context or ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            # The connection is broken: the next mail opens a new one.
            self._drop()
            raise
        except smtplib.SMTPException:
            # Refused by the server (a bad address): the connection itself is still fine,
            # but reset the SMTP transaction before the next mail.
            try:
                self._smtp.rset()
            except (smtplib.SMTPException, OSError):
                self._drop()
            raise

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            self._drop()


# --- Queueing ---


def queue(session: Session, aan: str, onderwerp: str, tekst: str) -> Mail:
    """Add a mail to the caller's transaction; it is sent after the caller commits."""
    mail = Mail(aan=aan, onderwerp=onderwerp, tekst=tekst)
    session.add(mail)
    if has_app_context():
        # Read after the response (see `init_app`): this request has mail to send right away.
        g.mail_queued = True
    return mail


def delete_older_than(session: Session, moment: datetime) -> int:
    """Delete mail made before `moment`, sent or not; commits. Mail holds names and what
    people signed up for, so it is not kept longer than what it was about."""
    deleted = session.execute(
        delete(Mail).where(Mail.created_at < moment).execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return deleted


# --- Sending ---


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.aan
    message["Subject"] = mail.onderwerp
    message["Date"] = formatdate(localtime=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    # RFC 3834: an automatic mail, so out-of-office replies are not sent back to it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.tekst)
    return message


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:_MAX_ERROR_LENGTH]


def send_pending(
    session: Session, transport: Transport, sender: str, limit: int = DEFAULT_BATCH
) -> SendResult:
    """Send unsent mails, oldest first. Never raises for a failed mail, never loses one.

    `session` must have nothing of its own pending: it is committed and rolled back here.

    Each attempt is counted in `pogingen` before the mail goes out (so a crash while sending
    still counts); a failure stores its error in `laatste_fout` and the mail stays queued until
    it has had MAX_ATTEMPTS attempts. When the server itself is unreachable, the run stops at
    the first failure.
    """
    result = SendResult()
    with _sending:
        try:
            pending = session.execute(
                select(Mail.id, Mail.pogingen)
                .where(Mail.sent_at.is_(None), Mail.pogingen < MAX_ATTEMPTS)
                .order_by(Mail.created_at, Mail.id)
                .limit(limit)
            ).all()
            session.rollback()  # the claims below each start their own transaction
            for mail_id, attempts in pending:
                outcome = _send_one(session, transport, sender, mail_id, attempts)
                if outcome == _SENT:
                    result.sent += 1
                elif outcome in (_FAILED, _SERVER_DOWN):
                    result.failed += 1
                if outcome == _SERVER_DOWN:
                    # The next mail would wait for the same timeout: leave the rest, untried
                    # and uncounted, for the next run.
                    break
        finally:
            try:
                transport.close()
            except Exception:  # closing must not hide what was sent
                log.exception("Het sluiten van de verbinding met de mailserver mislukte")
    return result


_SENT, _FAILED, _SERVER_DOWN, _SKIPPED = "sent", "failed", "server down", "skipped"


def _only_this_mail(error: Exception) -> bool:
    """A refusal of this one mail (a bad address, a bad header); any other error means the
    mail server cannot be reached or refuses us altogether (login, TLS, a full disk)."""
    return isinstance(
        error,
        smtplib.SMTPRecipientsRefused
        | smtplib.SMTPSenderRefused
        | smtplib.SMTPDataError
        | ValueError,
    )


def _send_one(
    session: Session, transport: Transport, sender: str, mail_id: int, attempts: int
) -> str:
    """_SENT, _FAILED, _SERVER_DOWN, or _SKIPPED when another sender had claimed it."""
    # The claim: only the sender that raises `pogingen` from the number it read sends this
    # attempt, so another sender that read the same row skips it.
    claimed = session.execute(
        update(Mail)
        .where(Mail.id == mail_id, Mail.sent_at.is_(None), Mail.pogingen == attempts)
        .values(pogingen=attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return _SKIPPED
    session.commit()
    try:
        message = build_message(session.get(Mail, mail_id), sender)
        session.rollback()  # the read of the mail must not stay open while the server is slow
        transport.send(message)
    except Exception as error:
        session.rollback()
        log.warning("Mail %s is niet verstuurd: %s", mail_id, error)
        session.execute(
            update(Mail)
            .where(Mail.id == mail_id)
            .values(laatste_fout=_describe(error))
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return _FAILED if _only_this_mail(error) else _SERVER_DOWN
    session.execute(
        update(Mail)
        .where(Mail.id == mail_id)
        .values(sent_at=datetime.now(UTC), laatste_fout=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return _SENT


# --- Configuration ---


def outbox_dir(value: str | None = None) -> Path:
    """MZA_OUTBOX_DIR; a relative path counts from the project folder, like the database."""
    path = Path(value if value is not None else settings.get("MZA_OUTBOX_DIR"))
    return path if path.is_absolute() else ROOT / path


def settings_config() -> dict[str, Any]:
    """The mail settings as config keys (used by the app and by `quiz-service send-mail`)."""
    return {
        "MAIL_FROM": settings.get("MZA_MAIL_FROM"),
        "SMTP_HOST": settings.get("MZA_SMTP_HOST"),
        "SMTP_PORT": int(settings.get("MZA_SMTP_PORT")),
        "SMTP_USER": settings.get("MZA_SMTP_USER"),
        "SMTP_PASSWORD": settings.get("MZA_SMTP_PASSWORD"),
        "SMTP_STARTTLS": settings.get("MZA_SMTP_STARTTLS") == "1",
        "OUTBOX_DIR": str(outbox_dir()),
    }


def transport_for(config: Mapping[str, Any]) -> Transport | None:
    """SMTP when a host is configured, else `.eml` files in the outbox folder, else None."""
    if config.get("MAIL_TRANSPORT") is not None:
        return config["MAIL_TRANSPORT"]
    if config.get("SMTP_HOST"):
        return SMTPTransport(
            config["SMTP_HOST"],
            int(config.get("SMTP_PORT") or 587),
            user=config.get("SMTP_USER") or "",
            password=config.get("SMTP_PASSWORD") or "",
            starttls=bool(config.get("SMTP_STARTTLS")),
        )
    if config.get("OUTBOX_DIR"):
        return FileTransport(config["OUTBOX_DIR"])
    return None


def init_app(app: Flask) -> None:
    """Mail settings in the config, and sending right after a request that queued mail.

    Tests never send by accident: under TESTING there is no SMTP host and no outbox folder
    unless the test configures one, and queued mail simply waits in the table.
    """
    defaults = settings_config()
    if app.testing:
        defaults.update(SMTP_HOST="", OUTBOX_DIR=None)
    for key, value in defaults.items():
        app.config.setdefault(key, value)
    app.config.setdefault("MAIL_TRANSPORT", None)
    app.config.setdefault("MAIL_SEND_AFTER_REQUEST", True)

    @app.after_request
    def _send_after_response(response: Response) -> Response:
        if g.get("mail_queued") and current_app.config["MAIL_SEND_AFTER_REQUEST"]:
            # The view has committed the mail by now. A thread of its own, so the visitor does
            # not wait for the mail server. Not `response.call_on_close`: werkzeug's server
            # calls that only when the browser closes a kept-alive connection, which may be
            # minutes later. If the process ends first, `quiz-service send-mail` sends it.
            _send_in_background(app)
        return response


# Senders started by requests, so tests (and a clean shutdown) can wait for them.
_senders: set[threading.Thread] = set()
_senders_lock = threading.Lock()


def _send_in_background(app: Flask) -> None:
    thread = threading.Thread(target=_background_send, args=(app,), name="mail", daemon=True)
    with _senders_lock:
        _senders.add(thread)
    thread.start()


def _background_send(app: Flask) -> None:
    try:
        send_now(app)
    finally:
        with _senders_lock:
            _senders.discard(threading.current_thread())


def wait_for_senders(timeout: float = 10.0) -> None:
    """Wait until the senders that requests started have finished."""
    with _senders_lock:
        running = list(_senders)
    for thread in running:
        thread.join(timeout)


def send_now(app: Flask) -> SendResult | None:
    """Best effort: send what is pending with the app's transport; never raises."""
    try:
        transport = transport_for(app.config)
        if transport is None:
            return None
        with app.extensions["db_sessionmaker"]() as session:
            return send_pending(session, transport, app.config["MAIL_FROM"])
    except Exception:
        log.exception("Versturen van de mail direct na het verzoek mislukte; de mail wacht")
        return None
