"""Errors that services raise and entry points translate (400/403/404/409)."""


class Conflict(Exception):
    """The state does not allow this (HTTP 409): task done, process past the step, ..."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FormInvalid(Exception):
    """A step payload failed validation (HTTP 400); carries the bound form for re-rendering."""

    def __init__(self, form):
        super().__init__("invalid form")
        self.form = form
