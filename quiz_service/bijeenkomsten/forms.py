"""Forms for meetings and sign-ups. Flask-WTF adds and checks the CSRF token on each of them.

The forms check types and required fields; the rules that need more (a place from the sociale
kaart, an end after the start, a time that exists on that day) are in services.check.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.forms import email_field
from .services import MAX_CAPACITY, MAX_DATES, REPEATS, MeetingInput

CONSENT = "Ik ga akkoord dat mijn naam en e-mailadres voor deze bijeenkomst worden bewaard."


def _length(maximum: int) -> Length:
    return Length(max=maximum, message=f"Dit is te lang. Gebruik hoogstens {maximum} tekens.")


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes: easier to use than a multiple select, also on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(FlaskForm):
    titel = StringField(
        "Titel",
        validators=[DataRequired(message="Vul een titel in."), _length(200)],
    )
    thema = SelectField(
        "Thema", validate_choice=False, validators=[InputRequired(message="Kies een thema.")]
    )
    gemeente = SelectField(
        "Gemeente", validate_choice=False, validators=[InputRequired(message="Kies een gemeente.")]
    )
    vorm = RadioField(
        "Waar is de bijeenkomst?",
        choices=[SelectChoice("fysiek", "Op een plek"), SelectChoice("online", "Online")],
        default="fysiek",
        validators=[InputRequired(message="Kies of de bijeenkomst op een plek is of online.")],
    )
    locatie_id = SelectField("Plek uit de sociale kaart", validate_choice=False, default="")
    locatie_naam = StringField("Naam van de plek", validators=[Optional(), _length(300)])
    adres = StringField("Adres", validators=[Optional(), _length(300)])
    online_link = URLField("Link voor de online bijeenkomst", validators=[Optional(), _length(500)])
    datum = DateField(
        "Datum",
        format=["%Y-%m-%d", "%d-%m-%Y"],
        validators=[InputRequired(message="Vul een datum in.")],
        invalid_value_message="Dit is geen datum. Schrijf de datum zo: 31-12-2026.",
    )
    begintijd = TimeField(
        "Begintijd",
        validators=[InputRequired(message="Vul een begintijd in.")],
        invalid_value_message="Dit is geen tijd. Schrijf de tijd zo: 19:30.",
    )
    eindtijd = TimeField(
        "Eindtijd",
        validators=[InputRequired(message="Vul een eindtijd in.")],
        invalid_value_message="Dit is geen tijd. Schrijf de tijd zo: 21:00.",
    )
    capaciteit = IntegerField(
        "Aantal plaatsen",
        validators=[
            InputRequired(message="Vul in hoeveel mensen mee kunnen doen."),
            NumberRange(
                1, MAX_CAPACITY, message=f"Kies een aantal van 1 tot en met {MAX_CAPACITY}."
            ),
        ],
        invalid_value_message="Vul een getal in, bijvoorbeeld 12.",
    )
    beschrijving = TextAreaField(
        "Beschrijving",
        validators=[DataRequired(message="Schrijf kort wat er gebeurt."), _length(5000)],
    )
    toegankelijkheid = CheckboxesField("Toegankelijkheid", validate_choice=False)
    toegankelijkheid_toelichting = StringField(
        "Toelichting op de toegankelijkheid", validators=[Optional(), _length(500)]
    )
    herhaling = SelectField(
        "Herhalen",
        choices=[SelectChoice(value, label) for value, label in REPEATS.items()],
        default="geen",
        validate_choice=False,
    )
    aantal = IntegerField(
        "Hoe vaak in totaal",
        default=1,
        validators=[
            Optional(),
            NumberRange(1, MAX_DATES, message=f"Kies een aantal van 1 tot en met {MAX_DATES}."),
        ],
        invalid_value_message="Vul een getal in, bijvoorbeeld 6.",
    )

    def as_input(self) -> MeetingInput:
        return MeetingInput(
            titel=self.titel.data or "",
            thema=self.thema.data or "",
            gemeente=self.gemeente.data or "",
            vorm=self.vorm.data or "",
            datum=self.datum.data,
            begintijd=self.begintijd.data,
            eindtijd=self.eindtijd.data,
            capaciteit=self.capaciteit.data,
            beschrijving=self.beschrijving.data or "",
            locatie_id=self.locatie_id.data or "",
            locatie_naam=self.locatie_naam.data or "",
            adres=self.adres.data or "",
            online_link=self.online_link.data or "",
            toegankelijkheid=list(self.toegankelijkheid.data or []),
            toegankelijkheid_toelichting=self.toegankelijkheid_toelichting.data or "",
            herhaling=self.herhaling.data or "geen",
            aantal=self.aantal.data or 1,
        )


def _consent() -> BooleanField:
    return BooleanField(
        CONSENT,
        validators=[
            DataRequired(
                message="Zet een vinkje als u akkoord gaat. Anders kunt u zich niet aanmelden."
            )
        ],
    )


class SignupForm(FlaskForm):
    """Without an account: a name and an address, and consent."""

    naam = StringField(
        "Uw naam", validators=[DataRequired(message="Vul uw naam in."), _length(200)]
    )
    email = email_field()
    toestemming = _consent()


class AccountSignupForm(FlaskForm):
    """With an account the name and address are known; consent is still asked."""

    toestemming = _consent()


class CancelMeetingForm(FlaskForm):
    reden = TextAreaField(
        "Reden (komt in de e-mail aan de deelnemers)", validators=[Optional(), _length(500)]
    )
    zeker = BooleanField(
        "Ja, deze bijeenkomst gaat niet door",
        validators=[DataRequired(message="Zet een vinkje als de bijeenkomst echt niet doorgaat.")],
    )
