"""The refusals services raise, which every blueprint's views turn into the same statuses:
NotAllowed 403, NotFound 404, InvalidInput 400 and Conflict 409, with a Dutch message."""

from __future__ import annotations


class NotAllowed(Exception):
    """This role may not do this (a 403)."""


class NotFound(Exception):
    """No such thing, or one of another organisation (a 404: not even a hint that it exists)."""


class InvalidInput(Exception):
    """Input the rules refuse; `field` names the form field, the message is Dutch (a 400)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Conflict(Exception):
    """The request clashes with the current state, e.g. a person already in another team."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
