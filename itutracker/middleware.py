"""Request hygiene shared by every page and endpoint."""

from django.http import HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "Paths, query parameters and headers must not contain NUL characters."


class RejectNulBytesMiddleware:
    """Answers 400 to a path, query string or header carrying a NUL byte.

    PostgreSQL cannot store or compare a NUL in text, and the driver raises ValueError
    for it wherever a value reaches a query (URL keys, filters, lookups, searches, an API
    token, a session cookie). One check here gives every such request the same clear
    answer instead of a server error. (HTTP allows no NUL in a header anyway; some
    servers pass one on.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if (
            "\x00" in request.path_info
            or any("\x00" in key or any("\x00" in v for v in query.getlist(key)) for key in query)
            or any(
                "\x00" in value
                for name, value in request.META.items()
                if name.startswith("HTTP_") and isinstance(value, str)
            )
            # A cookie's quoted value can spell one as "\\000".
            or any("\x00" in value for value in request.COOKIES.values())
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE)
        return self.get_response(request)
