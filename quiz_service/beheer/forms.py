"""Forms of the beheer pages. Flask-WTF adds and checks the CSRF token on each of them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .services import NAME_MAX


class OrganisationForm(FlaskForm):
    naam = StringField(
        "Naam van de organisatie",
        validators=[
            DataRequired(message="Vul de naam van de organisatie in."),
            Length(
                max=NAME_MAX, message=f"Deze naam is te lang. Gebruik hoogstens {NAME_MAX} tekens."
            ),
        ],
    )


class TeamForm(FlaskForm):
    team_naam = StringField(
        "Naam van het team",
        validators=[
            DataRequired(message="Vul de naam van het team in."),
            Length(
                max=NAME_MAX, message=f"Deze naam is te lang. Gebruik hoogstens {NAME_MAX} tekens."
            ),
        ],
    )


class ImportForm(FlaskForm):
    bestand = FileField(
        "CSV-bestand met medewerkers",
        validators=[FileRequired(message="Kies een CSV-bestand.")],
    )
