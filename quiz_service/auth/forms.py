"""Forms of the auth blueprint. Flask-WTF adds and checks the CSRF token on each of them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


def email_field() -> EmailField:
    """The same e-mail field, with the same Dutch messages, on every form."""
    return EmailField(
        "E-mailadres",
        validators=[
            DataRequired(message="Vul uw e-mailadres in."),
            Email(
                message="Dit is geen goed e-mailadres. Een e-mailadres ziet eruit als "
                "naam@voorbeeld.nl.",
                check_deliverability=False,
            ),
            Length(max=320, message="Dit e-mailadres is te lang."),
        ],
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Wachtwoord",
        validators=[
            DataRequired(message="Vul uw wachtwoord in."),
            Length(max=1024, message="Dit wachtwoord is te lang."),
        ],
    )


class LogoutForm(FlaskForm):
    """Only a CSRF token: logging out changes state, so it is a POST that another site cannot forge."""


class RegisterForm(FlaskForm):
    display_name = StringField(
        "Naam",
        validators=[
            DataRequired(message="Vul uw naam in."),
            Length(max=200, message="Deze naam is te lang. Gebruik hoogstens 200 tekens."),
        ],
    )
    email = email_field()
    password = PasswordField(
        "Wachtwoord", validators=[DataRequired(message="Kies een wachtwoord.")]
    )


class JoinForm(FlaskForm):
    invite_code = StringField(
        "Code van uw organisatie",
        validators=[
            DataRequired(message="Vul de code in."),
            Length(max=64, message="Deze code is te lang."),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "Nieuw wachtwoord",
        validators=[
            DataRequired(message="Kies een nieuw wachtwoord."),
            Length(max=1024, message="Dit wachtwoord is te lang."),
        ],
    )
    password_again = PasswordField(
        "Typ het nieuwe wachtwoord nog een keer",
        validators=[
            DataRequired(message="Typ het nieuwe wachtwoord nog een keer."),
            EqualTo(
                "password",
                message="De twee wachtwoorden zijn niet gelijk. Typ ze allebei opnieuw.",
            ),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Huidig wachtwoord",
        validators=[
            DataRequired(message="Vul uw huidige wachtwoord in."),
            Length(max=1024, message="Dit wachtwoord is te lang."),
        ],
    )


class CodeForm(FlaskForm):
    """The second step: six digits from the app, or a recovery code (checked by the service)."""

    code = StringField(
        "Code",
        validators=[
            DataRequired(message="Vul de code in."),
            Length(max=64, message="Deze code is te lang."),
        ],
    )
