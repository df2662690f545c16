"""The form that confirms deleting an account."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    # The password, so that someone at an unlocked computer cannot delete the account.
    password = PasswordField(
        "Uw wachtwoord",
        validators=[
            DataRequired(message="Vul uw wachtwoord in."),
            Length(max=1024, message="Dit wachtwoord is te lang."),
        ],
    )
    zeker = BooleanField(
        "Ja, verwijder mijn account en mijn gegevens",
        validators=[
            DataRequired(message="Zet een vinkje als u het account echt wilt verwijderen.")
        ],
    )
