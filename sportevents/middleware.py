"""Input no part of the product can store: refused at the door with a 400."""

from django.utils.translation import gettext as _

from sportevents.views import error_response

NUL_MARKERS = (b"\x00", b"\\u0000")


class RejectNulBytesMiddleware:
    """PostgreSQL cannot store a NUL character; a request carrying one (in its path, query or
    text body) could otherwise fail deep in a query. Binary uploads are not inspected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Raw bytes, JSON escapes, or percent-encoded in a form body.
        text_body = not request.content_type.startswith("multipart/")
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for value in request.GET.values())
            or (text_body and any(marker in request.body for marker in NUL_MARKERS))
            or (
                request.content_type == "application/x-www-form-urlencoded"
                and b"%00" in request.body
            )
            or (not text_body and any("\x00" in value for value in request.POST.values()))
        ):
            return error_response(
                request,
                400,
                "invalid",
                _("Bad request"),
                _("The request contains a character that cannot be stored (NUL)."),
            )
        return self.get_response(request)
