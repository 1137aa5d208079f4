"""Request hygiene shared by every page and endpoint."""

from django.http import HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "Query parameters must not contain NUL characters."


class RejectNulBytesMiddleware:
    """Answers 400 to a query string carrying a NUL byte.

    PostgreSQL cannot store or compare a NUL in text, and the driver raises ValueError
    for it wherever a parameter reaches a query (filters, lookups, searches). One check
    here gives every such request the same clear answer instead of a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if any("\x00" in key or any("\x00" in v for v in query.getlist(key)) for key in query):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE)
        return self.get_response(request)
