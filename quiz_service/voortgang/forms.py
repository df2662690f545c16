"""Forms of the progress pages. Flask-WTF adds and checks the CSRF token on each of them.

The choices are not checked by the forms themselves: whether a course can be assigned or a
person added is a rule of the services, which answer "not found" for people of another
organisation instead of "not a valid choice".
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, Optional


class AssignForm(FlaskForm):
    cursus = SelectField(
        "Cursus",
        validate_choice=False,
        validators=[InputRequired(message="Kies een cursus.")],
    )
    # The browser shows a date picker and sends 2026-12-31; without one, people type 31-12-2026.
    deadline = DateField(
        "Deadline (mag leeg blijven)",
        format=["%Y-%m-%d", "%d-%m-%Y"],
        validators=[Optional()],
        invalid_value_message="Dit is geen datum. Schrijf de datum zo: 31-12-2026.",
    )


class AddMemberForm(FlaskForm):
    gebruiker = SelectField(
        "Medewerker",
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(message="Kies een medewerker.")],
        invalid_value_message="Kies een medewerker uit de lijst.",
    )
