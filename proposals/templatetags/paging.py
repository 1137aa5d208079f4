from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def with_page(context, param: str, number: int) -> str:
    """The current query string with `param` set to `number`: pages of a list keep the
    rest of the view (filters, sorting, the other list's page)."""
    params = context["request"].GET.copy()
    params[param] = number
    return params.urlencode()
