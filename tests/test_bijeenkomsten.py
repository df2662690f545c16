"""Lotgenoten meetings through the pages: organising, the agenda, signing up, the waitlist,
cancelling, who sees what, and deleting sign-ups after the meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quiz_service.bijeenkomsten import services, signups
from quiz_service.models import Aanmelding, Bijeenkomst, Mail
from tests.academie import csrf_token, log_in, mails_to, new_account, new_organisation, new_team
from tests.bijeenkomsten import SITE, app_config, kaart_dir, link_in, meeting_form, new_meeting


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "outbox"  # as in app_config


@pytest.fixture
def app(academie_app, tmp_path, outbox):
    return academie_app(**app_config(tmp_path))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def org(db):
    return new_organisation(db)


@pytest.fixture
def organiser(db, org):
    return new_account(db, "organisator", organisatie_id=org.id)


def signed_in(app, user):
    client = app.test_client()
    log_in(client, user)
    return client


def stored(db, meeting_id) -> Bijeenkomst:
    with db.session() as session:
        return session.get(Bijeenkomst, meeting_id)


def signups_of(db, meeting_id) -> dict[str, list[str]]:
    with db.session() as session:
        rows = session.scalars(
            select(Aanmelding)
            .where(Aanmelding.bijeenkomst_id == meeting_id)
            .order_by(Aanmelding.in_rij_at, Aanmelding.id)
        )
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row.status, []).append(row.email)
        return found


def post(client, path, data, token_page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_page)})


def anonymous_sign_up(client, meeting_id, naam="Verzonnen Mantelzorger", email=None):
    email = email or f"mz-{datetime.now(UTC).timestamp()}@verzonnen.example"
    page = f"/bijeenkomsten/{meeting_id}"
    response = post(
        client,
        f"{page}/aanmelden",
        {"naam": naam, "email": email, "toestemming": "y"},
        page,
    )
    return response, email


def confirm_by_mail(client, outbox, email):
    link = link_in(mails_to(outbox, email)[-1], "/bijeenkomsten/aanmelding/")
    page = client.get(link)
    assert page.status_code == 200
    response = post(client, f"{link}/bevestigen", {}, link)
    assert response.status_code == 303, response.get_data(as_text=True)
    return link


# --- Organising ---


def test_an_organisator_puts_a_meeting_in_the_agenda(app, organiser, db):
    client = signed_in(app, organiser)
    response = post(client, "/bijeenkomsten/nieuw", meeting_form(), "/bijeenkomsten/nieuw")
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    meeting = stored(db, meeting_id)
    assert meeting.organisatie_id == organiser.organisatie_id
    assert meeting.begint_at.astimezone(services.AMSTERDAM).strftime("%H:%M") == "19:00"

    agenda = app.test_client().get("/bijeenkomsten/agenda?gemeente=GM0995").get_data(as_text=True)
    assert "Verzonnen Alzheimer Café" in agenda
    elsewhere = app.test_client().get("/bijeenkomsten/agenda?gemeente=GM0184&vorm=fysiek")
    assert "Verzonnen Alzheimer Café" not in elsewhere.get_data(as_text=True)
    online = app.test_client().get("/bijeenkomsten/agenda?vorm=online").get_data(as_text=True)
    assert "Verzonnen Alzheimer Café" not in online
    manage = client.get("/bijeenkomsten/beheer").get_data(as_text=True)
    assert "Verzonnen Alzheimer Café" in manage


def test_a_place_from_the_sociale_kaart_is_copied_into_the_meeting(app, organiser, db):
    client = signed_in(app, organiser)
    form_page = client.get("/bijeenkomsten/nieuw").get_data(as_text=True)
    locations = app.extensions["bijeenkomst_keuzes"].locaties
    assert locations, "de verzonnen sociale kaart heeft een fysieke locatie"
    place = next(iter(locations.values()))
    assert place.id in form_page
    response = post(
        client,
        "/bijeenkomsten/nieuw",
        meeting_form(locatie_id=place.id, locatie_naam="", adres=""),
        "/bijeenkomsten/nieuw",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting = stored(db, int(response.headers["Location"].rsplit("/", 1)[-1]))
    assert (meeting.locatie_id, meeting.locatie_naam, meeting.adres) == (
        place.id,
        place.naam,
        place.adres,
    )


def test_every_first_tuesday_stays_at_seven_across_summer_time(app, organiser, db):
    client = signed_in(app, organiser)
    first = date(datetime.now(UTC).year + 1, 1, 1)
    while first.weekday() != 1:  # the first Tuesday of January next year
        first += timedelta(days=1)
    data = meeting_form(datum=first.isoformat(), herhaling="maandelijks", aantal="6")
    response = post(client, "/bijeenkomsten/nieuw", data, "/bijeenkomsten/nieuw")
    assert response.status_code == 303, response.get_data(as_text=True)
    first_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    with db.session() as session:
        reeks = session.get(Bijeenkomst, first_id).reeks
        dates = session.scalars(
            select(Bijeenkomst).where(Bijeenkomst.reeks == reeks).order_by(Bijeenkomst.begint_at)
        ).all()
    local = [m.begint_at.astimezone(services.AMSTERDAM) for m in dates]
    assert len(local) == 6
    assert all(moment.weekday() == 1 and moment.day <= 7 for moment in local)
    assert {moment.strftime("%H:%M") for moment in local} == {"19:00"}
    # Winter time is UTC+1, summer time UTC+2: the same clock time, another UTC hour.
    assert {m.begint_at.hour for m in dates} == {18, 17}
    assert len({m.uid for m in dates}) == 6


def test_a_fifth_weekday_repeats_as_the_last_of_the_month():
    assert services.repeat_dates(date(2027, 3, 30), "maandelijks", 3) == [
        date(2027, 3, 30),
        date(2027, 4, 27),
        date(2027, 5, 25),
    ]
    assert services.repeat_description(date(2027, 3, 30), "maandelijks") == (
        "elke laatste dinsdag van de maand"
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"titel": ""}, "titel", "Vul een titel in."),
        ({"thema": "bestaat-niet"}, "thema", "Kies een thema uit de lijst."),
        ({"gemeente": "GM9999"}, "gemeente", "Kies een gemeente uit de lijst."),
        ({"eindtijd": "18:00"}, "eindtijd", "De eindtijd is vóór de begintijd."),
        ({"datum": "2020-01-07"}, "datum", "al voorbij"),
        ({"datum": "31-02-2027"}, "datum", "Dit is geen datum."),
        ({"begintijd": "zeven uur"}, "begintijd", "Dit is geen tijd."),
        ({"capaciteit": "0"}, "capaciteit", "Kies een aantal van 1 tot en met"),
        ({"capaciteit": "veel"}, "capaciteit", "Vul een getal in"),
        ({"adres": ""}, "adres", "vul de naam en het adres van de plek in"),
        ({"locatie_id": "loc-bestaat-niet"}, "locatie_id", "staat niet (meer) op de sociale kaart"),
        ({"vorm": "online", "online_link": "http://x"}, "online_link", "begint met https://"),
        ({"herhaling": "wekelijks", "aantal": "30"}, "aantal", "Kies een aantal"),
        (
            {"datum": "2027-03-28", "begintijd": "02:30", "eindtijd": "04:00"},
            "begintijd",
            "bestaat niet op 28-03-2027",
        ),
    ],
)
def test_a_wrong_field_is_named_and_everything_typed_stays(
    app, organiser, db, fields, field, message
):
    client = signed_in(app, organiser)
    before = _count(db)
    data = meeting_form(
        titel=fields.get("titel", "Mijn getypte titel"),
        **{k: v for k, v in fields.items() if k != "titel"},
    )
    response = post(client, "/bijeenkomsten/nieuw", data, "/bijeenkomsten/nieuw")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert f'href="#{field}"' in page
    assert "Praten met andere mantelzorgers, met koffie." in page  # what was typed stays
    assert _count(db) == before


def _count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Bijeenkomst))


def test_a_copy_starts_from_the_original_and_is_a_new_meeting(app, organiser, db, org):
    original = new_meeting(db, org.id, titel="Verzonnen koffieochtend")
    client = signed_in(app, organiser)
    page = client.get(f"/bijeenkomsten/nieuw?kopie={original.id}").get_data(as_text=True)
    assert 'value="Verzonnen koffieochtend"' in page
    day = (datetime.now(UTC) + timedelta(days=40)).date().isoformat()
    data = meeting_form(titel="Verzonnen koffieochtend", datum=day)
    response = post(client, "/bijeenkomsten/nieuw", data, "/bijeenkomsten/nieuw")
    copy_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert copy_id != original.id
    assert stored(db, copy_id).uid != original.uid


# --- Signing up ---


def test_without_an_account_a_sign_up_counts_once_the_mail_link_is_used(
    app, client, db, org, outbox
):
    meeting = new_meeting(db, org.id)
    response, email = anonymous_sign_up(client, meeting.id)
    assert response.status_code == 303
    assert "kijk-in-uw-mail" in response.headers["Location"]
    assert signups_of(db, meeting.id) == {"onbevestigd": [email]}
    assert stored(db, meeting.id).bezet == 0

    link = confirm_by_mail(client, outbox, email)
    assert signups_of(db, meeting.id) == {"bevestigd": [email]}
    assert stored(db, meeting.id).bezet == 1
    assert "U heeft een plek" in client.get(link).get_data(as_text=True)
    mail = mails_to(outbox, email)[-1]
    assert mail["Subject"].startswith("U bent aangemeld")
    assert f"/bijeenkomsten/{meeting.id}.ics" in mail.get_content()

    # Confirming twice (a second click) changes nothing.
    post(client, f"{link}/bevestigen", {}, link)
    assert stored(db, meeting.id).bezet == 1


def test_the_meeting_page_shows_the_facts_a_visitor_needs(client, db, org):
    meeting = new_meeting(
        db,
        org.id,
        toegankelijkheid=["rolstoeltoegankelijk", "ringleiding"],
        toegankelijkheid_toelichting="De ingang is aan de achterkant.",
    )
    page = client.get(f"/bijeenkomsten/{meeting.id}").get_data(as_text=True)
    for fact in (
        "Verzonnen buurthuis, Verzonnenstraat 1, 8200 AA Lelystad (Lelystad)",
        "Rolstoeltoegankelijk, Ringleiding. De ingang is aan de achterkant.",
        "Mantelzorg in het algemeen",
        "Nog 10 plaatsen vrij",
        org.naam,
    ):
        assert fact in page


def test_public_pages_never_show_who_signed_up(app, client, db, org, outbox):
    meeting = new_meeting(db, org.id)
    _, email = anonymous_sign_up(client, meeting.id, naam="Verzonnen Geheime Naam")
    confirm_by_mail(client, outbox, email)
    visitor = app.test_client()
    for path in (
        f"/bijeenkomsten/{meeting.id}",
        "/bijeenkomsten/agenda",
        f"/bijeenkomsten/{meeting.id}.ics",
        "/bijeenkomsten/agenda.ics",
    ):
        body = visitor.get(path).get_data(as_text=True)
        assert "Geheime Naam" not in body and email not in body, path


def test_signing_up_again_with_the_same_address_tells_nothing_on_the_page(
    app, client, db, org, outbox
):
    meeting = new_meeting(db, org.id)
    _, email = anonymous_sign_up(client, meeting.id)
    confirm_by_mail(client, outbox, email)
    stranger = app.test_client()
    again, _ = anonymous_sign_up(stranger, meeting.id, email=email)
    # The same answer as for a new address: the page does not say who is signed up.
    assert again.status_code == 303 and "kijk-in-uw-mail" in again.headers["Location"]
    assert mails_to(outbox, email)[-1]["Subject"].startswith("U bent al aangemeld")
    assert signups_of(db, meeting.id) == {"bevestigd": [email]}


def test_a_sign_up_needs_consent_a_name_and_a_real_address(app, client, db, org):
    meeting = new_meeting(db, org.id)
    page = f"/bijeenkomsten/{meeting.id}"
    cases = [
        (
            {"naam": "Verzonnen", "email": "a@verzonnen.example"},
            "Zet een vinkje als u akkoord gaat",
        ),
        ({"naam": "", "email": "a@verzonnen.example", "toestemming": "y"}, "Vul uw naam in."),
        (
            {"naam": "Verzonnen", "email": "geen-adres", "toestemming": "y"},
            "Dit is geen goed e-mailadres",
        ),
    ]
    for data, message in cases:
        response = post(client, f"{page}/aanmelden", data, page)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert signups_of(db, meeting.id) == {}


def test_with_an_account_the_place_is_taken_at_once_and_only_once(app, db, org, outbox):
    meeting = new_meeting(db, org.id)
    person = new_account(db, "mantelzorger")
    client = signed_in(app, person)
    page = f"/bijeenkomsten/{meeting.id}"
    first = post(client, f"{page}/aanmelden", {"toestemming": "y"}, page)
    assert first.status_code == 303
    assert signups_of(db, meeting.id) == {"bevestigd": [person.email]}
    again = post(client, f"{page}/aanmelden", {"toestemming": "y"}, page)
    assert again.status_code == 409
    assert stored(db, meeting.id).bezet == 1
    assert "U bent aangemeld" in client.get(page).get_data(as_text=True)


def test_a_full_meeting_puts_people_on_the_waitlist_and_a_cancellation_promotes_the_first(
    app, db, org, outbox
):
    meeting = new_meeting(db, org.id, capaciteit=1)
    people = [new_account(db, "mantelzorger") for _ in range(3)]
    clients = [signed_in(app, person) for person in people]
    page = f"/bijeenkomsten/{meeting.id}"
    for client in clients:
        assert post(client, f"{page}/aanmelden", {"toestemming": "y"}, page).status_code == 303
    emails = [p.email for p in people]
    assert signups_of(db, meeting.id) == {"bevestigd": emails[:1], "wachtlijst": emails[1:]}
    assert "op plaats 2" in clients[2].get(page).get_data(as_text=True)

    assert post(clients[0], f"{page}/afmelden", {}, page).status_code == 303
    assert signups_of(db, meeting.id) == {
        "afgemeld": emails[:1],
        "bevestigd": emails[1:2],
        "wachtlijst": emails[2:],
    }
    assert stored(db, meeting.id).bezet == 1
    assert mails_to(outbox, emails[1])[-1]["Subject"].startswith("Er is een plek voor u")
    assert mails_to(outbox, emails[0])[-1]["Subject"].startswith("U bent afgemeld")
    assert not any(m["Subject"].startswith("Er is een plek") for m in mails_to(outbox, emails[2]))


def test_the_cancel_link_in_the_mail_frees_the_place(app, client, db, org, outbox):
    meeting = new_meeting(db, org.id, capaciteit=1)
    _, email = anonymous_sign_up(client, meeting.id)
    link = confirm_by_mail(client, outbox, email)
    waiting = new_account(db, "mantelzorger")
    other = signed_in(app, waiting)
    page = f"/bijeenkomsten/{meeting.id}"
    post(other, f"{page}/aanmelden", {"toestemming": "y"}, page)

    # Opening the link (as a mail program's link checker does) cancels nothing.
    assert app.test_client().get(link).status_code == 200
    assert stored(db, meeting.id).bezet == 1
    response = post(client, f"{link}/afmelden", {}, link)
    assert response.status_code == 303
    assert signups_of(db, meeting.id) == {"afgemeld": [email], "bevestigd": [waiting.email]}
    assert "U bent afgemeld" in client.get(link).get_data(as_text=True)


def test_cancelling_before_confirming_takes_no_place_and_sends_no_mail(
    app, client, db, org, outbox
):
    meeting = new_meeting(db, org.id)
    _, email = anonymous_sign_up(client, meeting.id)
    link = link_in(mails_to(outbox, email)[-1], "/bijeenkomsten/aanmelding/")
    assert post(client, f"{link}/afmelden", {}, link).status_code == 303
    assert signups_of(db, meeting.id) == {"afgemeld": [email]}
    assert stored(db, meeting.id).bezet == 0
    assert [m["Subject"].split(":")[0] for m in mails_to(outbox, email)] == [
        "Bevestig uw aanmelding"
    ]
    # The link no longer confirms anything (its page has no button left; a replayed form).
    post(client, f"{link}/bevestigen", {}, "/inloggen")
    assert signups_of(db, meeting.id) == {"afgemeld": [email]}


def test_a_changed_or_made_up_link_is_not_found(client, db, org):
    assert client.get("/bijeenkomsten/aanmelding/verzonnen-link").status_code == 404
    meeting = new_meeting(db, org.id)
    with db.session() as session:
        signup = Aanmelding(
            bijeenkomst_id=meeting.id,
            naam="V",
            email="v@verzonnen.example",
            status="onbevestigd",
            sleutel="a" * 32,
        )
        session.add(signup)
        session.commit()
        forged = signups.token_for(signup, "een-ander-geheim")
    assert client.get(f"/bijeenkomsten/aanmelding/{forged}").status_code == 404


def test_signing_up_for_a_cancelled_or_begun_meeting_is_refused(app, client, db, org):
    cancelled = new_meeting(db, org.id, geannuleerd_at=datetime.now(UTC))
    now = datetime.now(UTC)
    begun = new_meeting(
        db,
        org.id,
        begint_at=now - timedelta(minutes=5),
        eindigt_at=now + timedelta(hours=1),
    )
    person = signed_in(app, new_account(db, "mantelzorger"))
    for meeting, message in ((cancelled, "gaat niet door"), (begun, "al begonnen")):
        page = f"/bijeenkomsten/{meeting.id}"
        response = post(person, f"{page}/aanmelden", {"toestemming": "y"}, page)
        assert response.status_code == 409, meeting.id
        assert message in response.get_data(as_text=True)
        assert signups_of(db, meeting.id) == {}


def test_a_mail_server_that_is_down_never_loses_a_sign_up(academie_app, tmp_path, db, org):
    class Down:
        def send(self, message):
            raise OSError("verzonnen storing")

        def close(self):
            pass

    app = academie_app(
        SOCIALE_KAART_DIR=str(kaart_dir(tmp_path)), MAIL_TRANSPORT=Down(), SITE_URL=SITE
    )
    meeting = new_meeting(db, org.id)
    person = new_account(db, "mantelzorger")
    client = signed_in(app, person)
    page = f"/bijeenkomsten/{meeting.id}"
    assert post(client, f"{page}/aanmelden", {"toestemming": "y"}, page).status_code == 303
    from quiz_service import mail

    mail.wait_for_senders()
    assert signups_of(db, meeting.id) == {"bevestigd": [person.email]}
    with db.session() as session:
        waiting = session.scalars(select(Mail).where(Mail.aan == person.email)).all()
    assert len(waiting) == 1 and waiting[0].sent_at is None
    assert "verzonnen storing" in waiting[0].laatste_fout


# --- Changing and cancelling a meeting ---


def test_editing_raises_the_sequence_and_mails_people_when_the_time_moves(
    app, organiser, db, org, outbox
):
    meeting = new_meeting(db, org.id)
    person = new_account(db, "mantelzorger")
    page = f"/bijeenkomsten/{meeting.id}"
    post(signed_in(app, person), f"{page}/aanmelden", {"toestemming": "y"}, page)
    client = signed_in(app, organiser)
    edit = f"{page}/bewerken"
    form = client.get(edit).get_data(as_text=True)
    assert 'value="Verzonnen lotgenotengroep"' in form
    new_day = (datetime.now(UTC) + timedelta(days=21)).date().isoformat()
    data = meeting_form(titel="Verzonnen lotgenotengroep", datum=new_day, capaciteit="10")
    assert post(client, edit, data, edit).status_code == 303
    after = stored(db, meeting.id)
    assert after.volgnummer == 1 and after.uid == meeting.uid
    assert mails_to(outbox, person.email)[-1]["Subject"].startswith("Gewijzigd")


def test_fewer_places_than_people_with_a_place_is_refused_more_places_fill_from_the_waitlist(
    app, organiser, db, org, outbox
):
    meeting = new_meeting(db, org.id, capaciteit=2)
    people = [new_account(db, "mantelzorger") for _ in range(4)]
    page = f"/bijeenkomsten/{meeting.id}"
    for person in people:
        post(signed_in(app, person), f"{page}/aanmelden", {"toestemming": "y"}, page)
    client = signed_in(app, organiser)
    edit = f"{page}/bewerken"
    local = meeting.begint_at.astimezone(services.AMSTERDAM)
    same_time = {
        "titel": meeting.titel,
        "datum": local.date().isoformat(),
        "begintijd": local.strftime("%H:%M"),
        "eindtijd": (local + timedelta(hours=2)).strftime("%H:%M"),
        "locatie_naam": meeting.locatie_naam,
        "adres": meeting.adres,
        "beschrijving": meeting.beschrijving,
    }
    refused = post(client, edit, meeting_form(**same_time, capaciteit="1"), edit)
    assert refused.status_code == 400
    assert "Er hebben al 2 mensen een plek. Kies minstens 2 plaatsen" in refused.get_data(
        as_text=True
    )
    assert stored(db, meeting.id).capaciteit == 2
    assert post(client, edit, meeting_form(**same_time, capaciteit="3"), edit).status_code == 303
    emails = [p.email for p in people]
    assert signups_of(db, meeting.id) == {"bevestigd": emails[:3], "wachtlijst": emails[3:]}
    assert mails_to(outbox, emails[2])[-1]["Subject"].startswith("Er is een plek voor u")
    # The time did not change: nobody gets a "Gewijzigd" mail.
    assert not any(
        m["Subject"].startswith("Gewijzigd") for e in emails for m in mails_to(outbox, e)
    )


def test_cancelling_a_meeting_mails_everyone_with_a_place_or_waiting(
    app, organiser, db, org, outbox
):
    meeting = new_meeting(db, org.id, capaciteit=1)
    people = [new_account(db, "mantelzorger") for _ in range(2)]
    page = f"/bijeenkomsten/{meeting.id}"
    for person in people:
        post(signed_in(app, person), f"{page}/aanmelden", {"toestemming": "y"}, page)
    client = signed_in(app, organiser)
    cancel = f"{page}/annuleren"
    assert post(client, cancel, {"reden": ""}, cancel).status_code == 400  # not ticked
    data = {"reden": "De verzonnen zaal is niet beschikbaar.", "zeker": "y"}
    assert post(client, cancel, data, cancel).status_code == 303
    after = stored(db, meeting.id)
    assert after.geannuleerd_at is not None and after.volgnummer == 1
    for person in people:
        mail = mails_to(outbox, person.email)[-1]
        assert mail["Subject"].startswith("Gaat niet door")
        assert "De verzonnen zaal is niet beschikbaar." in mail.get_content()
    # A second cancel (a double click) mails nobody twice.
    post(client, cancel, data, f"/bijeenkomsten/{meeting.id}")
    assert (
        len([m for m in mails_to(outbox, people[0].email) if m["Subject"].startswith("Gaat")]) == 1
    )
    agenda = app.test_client().get("/bijeenkomsten/agenda").get_data(as_text=True)
    assert f'href="/bijeenkomsten/{meeting.id}"' not in agenda


# --- Who sees what ---


def test_an_organisator_of_another_organisation_can_neither_edit_nor_see_attendees(app, db, org):
    meeting = new_meeting(db, org.id)
    person = new_account(db, "mantelzorger", display_name="Verzonnen Deelnemer")
    page = f"/bijeenkomsten/{meeting.id}"
    post(signed_in(app, person), f"{page}/aanmelden", {"toestemming": "y"}, page)

    other_org = new_organisation(db)
    other = signed_in(app, new_account(db, "organisator", organisatie_id=other_org.id))
    for path in (
        f"{page}/aanmeldingen",
        f"{page}/bewerken",
        f"{page}/annuleren",
        f"/bijeenkomsten/nieuw?kopie={meeting.id}",
    ):
        assert other.get(path).status_code == 404, path
    response = post(other, f"{page}/bewerken", meeting_form(), "/bijeenkomsten/nieuw")
    assert response.status_code == 404
    response = post(other, f"{page}/annuleren", {"zeker": "y"}, "/bijeenkomsten/nieuw")
    assert response.status_code == 404
    assert stored(db, meeting.id).geannuleerd_at is None
    assert stored(db, meeting.id).titel == "Verzonnen lotgenotengroep"

    own = signed_in(app, new_account(db, "organisator", organisatie_id=org.id))
    attendees = own.get(f"{page}/aanmeldingen")
    assert attendees.status_code == 200
    assert "Verzonnen Deelnemer" in attendees.get_data(as_text=True)


def test_a_teamleider_never_sees_the_sign_ups_of_their_staff(app, db, org):
    team = new_team(db, org.id)
    staff = new_account(
        db, "medewerker", organisatie_id=org.id, team_id=team.id, display_name="Verzonnen Collega"
    )
    meeting = new_meeting(db, org.id)
    page = f"/bijeenkomsten/{meeting.id}"
    post(signed_in(app, staff), f"{page}/aanmelden", {"toestemming": "y"}, page)
    leader = signed_in(app, new_account(db, "teamleider", organisatie_id=org.id, team_id=team.id))
    assert leader.get(f"{page}/aanmeldingen").status_code == 403
    assert leader.get("/bijeenkomsten/beheer").status_code == 403
    team_page = leader.get(f"/academie/teams/{team.id}").get_data(as_text=True)
    assert "Verzonnen Collega" in team_page  # the leader sees the person...
    assert meeting.titel not in team_page  # ...but not what they signed up for
    assert meeting.titel not in leader.get(f"/academie/teams/{team.id}/export.csv").get_data(
        as_text=True
    )


# --- Keeping it short ---


def test_sign_ups_are_deleted_after_the_retention_period_and_the_counts_stay(db, org):
    old = new_meeting(db, org.id, days_ahead=-40, bezet=1)
    recent = new_meeting(db, org.id, days_ahead=-10, bezet=1)
    with db.session() as session:
        for meeting in (old, recent):
            session.add(
                Aanmelding(
                    bijeenkomst_id=meeting.id,
                    naam="Verzonnen",
                    email=f"{meeting.id}@verzonnen.example",
                    status="bevestigd",
                    sleutel="b" * 32,
                    in_rij_at=meeting.begint_at - timedelta(days=3),
                )
            )
        session.add(
            Aanmelding(
                bijeenkomst_id=recent.id,
                naam="Verzonnen",
                email="nooit@verzonnen.example",
                status="onbevestigd",
                sleutel="c" * 32,
                aangemeld_at=datetime.now(UTC) - timedelta(days=3),
            )
        )
        session.commit()
    with db.session() as session:
        purged = signups.purge(session, datetime.now(UTC), days_after=30)
    assert (purged.signups, purged.meetings, purged.unconfirmed) == (1, 1, 1)
    assert signups_of(db, old.id) == {}
    assert signups_of(db, recent.id) == {"bevestigd": [f"{recent.id}@verzonnen.example"]}
    assert stored(db, old.id).bezet == 1
    assert stored(db, old.id).aanmeldingen_verwijderd_at is not None


def test_deleting_an_account_cancels_its_sign_ups_and_gives_the_place_away(app, db, org, outbox):
    meeting = new_meeting(db, org.id, capaciteit=1)
    leaving, waiting = new_account(db, "mantelzorger"), new_account(db, "mantelzorger")
    page = f"/bijeenkomsten/{meeting.id}"
    client = signed_in(app, leaving)
    post(client, f"{page}/aanmelden", {"toestemming": "y"}, page)
    post(signed_in(app, waiting), f"{page}/aanmelden", {"toestemming": "y"}, page)
    export = client.get("/mijn-gegevens/download").get_json()
    assert [a["bijeenkomst"] for a in export["aanmeldingen"]] == [meeting.titel]
    from tests.academie import PASSWORD

    response = post(
        client,
        "/mijn-gegevens/verwijderen",
        {"password": PASSWORD, "zeker": "y"},
        "/mijn-gegevens/",
    )
    assert response.status_code == 303
    assert signups_of(db, meeting.id) == {"bevestigd": [waiting.email]}
    assert stored(db, meeting.id).bezet == 1


def test_the_link_on_a_ziektebeeld_page_shows_the_meetings_on_that_illness(client, db, org):
    # The portal links ziektebeelden/verzonnen-ziekte.md to ?thema=verzonnen-ziekte.
    on_it = new_meeting(db, org.id, thema="verzonnen-ziekte", titel="Verzonnen ziektecafé")
    other = new_meeting(db, org.id, thema="rouw-en-verlies")
    page = client.get("/bijeenkomsten/agenda?thema=verzonnen-ziekte").get_data(as_text=True)
    assert '<option value="verzonnen-ziekte" selected>Verzonnen ziekte</option>' in page
    assert f'href="/bijeenkomsten/{on_it.id}"' in page
    assert f'href="/bijeenkomsten/{other.id}"' not in page


def test_sign_ups_without_an_account_are_limited_per_address_so_nobody_floods_a_mailbox(
    academie_app, tmp_path, db, org
):
    app = academie_app(**{**app_config(tmp_path), "SIGNUP_LIMIT_PER_IP": "2 per hour"})
    meeting = new_meeting(db, org.id)
    visitor = app.test_client()
    for _ in range(2):
        assert anonymous_sign_up(visitor, meeting.id)[0].status_code == 303
    refused, _ = anonymous_sign_up(visitor, meeting.id)
    assert refused.status_code == 429
    assert "meld u aan met een account" in refused.get_data(as_text=True)
    # Signed-in people are not limited: their sign-up sends mail only to their own address.
    person = signed_in(app, new_account(db, "mantelzorger"))
    page = f"/bijeenkomsten/{meeting.id}"
    assert post(person, f"{page}/aanmelden", {"toestemming": "y"}, page).status_code == 303
