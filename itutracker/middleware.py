"""Request hygiene shared by every page and endpoint."""

from django.http import HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "Paths and query parameters must not contain NUL characters."


class RejectNulBytesMiddleware:
    """Answers 400 to a path or query string carrying a NUL byte.

    PostgreSQL cannot store or compare a NUL in text, and the driver raises ValueError
    for it wherever a value reaches a query (URL keys, filters, lookups, searches). One
    check here gives every such request the same clear answer instead of a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in v for v in query.getlist(key)) for key in query
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE)
        return self.get_response(request)
