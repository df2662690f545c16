"""Forms shared by several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token, nothing else.

    Forms whose fields are built from data (a quiz's questions) use it too; their fields are
    read from `request.form` and checked by the service.
    """
