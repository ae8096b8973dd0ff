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


def errors_to_form(form, error) -> None:
    """Put a service's ValidationError on the form: each message next to its field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
