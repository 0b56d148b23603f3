"""The one domain exception type that services raise; the web views and the API translate it."""


class DomainError(Exception):
    """A business rule said no. `code` is stable for API clients; `message` is for people."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class Conflict(DomainError):
    """The request is valid but the current state forbids it (full, already done, taken)."""

    status = 409
    code = "conflict"


class Forbidden(DomainError):
    """The user is known but may not do this."""

    status = 403
    code = "forbidden"
