"""Each page's query count, pinned at one row and at twelve: a count that grew with the
rows would be an N+1."""

import pytest
from django.db import connection

PAGES = {
    # page: (path, queries)
    "home": ("/", 3),
    # filter checks, count, page, proposers, topics, versions, 8 facet queries
    "proposal list": ("/proposals/", 13),
    "proposal search": ("/proposals/?q=spam", 13),
    # Two facets chosen: 2 queries check their values, and proposers and groups, each
    # counted without its own filter, need a query each.
    "proposal list, two facets": ("/proposals/?topic=spam&proposer=RUS", 16),
    "Atom feed": ("/proposals/feed/", 4),
    "proposal": ("/proposals/wcit-12/RUS-27-1/", 5),
    "provision": ("/provisions/itr-1988/3.1/", 8),
    "article": ("/provisions/itr-1988/3/", 8),
    "conference": ("/conferences/wcit-12/", 9),
    "topic matrix": ("/topics/", 3),
    "topic": ("/topics/spam/", 7),
    "member states": ("/states/", 1),
    # each of its two lists is a page: count, rows, proposers, topics, versions
    "member state": ("/states/RUS/", 15),
    "regional groups": ("/groups/", 1),
    "regional group": ("/groups/RCC/", 7),
}


@pytest.mark.parametrize("page", PAGES)
def test_queries_per_page_do_not_grow_with_the_rows(client, world, django_assert_num_queries, page):
    path, queries = PAGES[page]
    if "q=" in path and connection.vendor == "postgresql":
        queries += 1  # whether the words are all stop words, which PostgreSQL ignores
    with django_assert_num_queries(queries):
        response = client.get(path)
    assert response.status_code == 200


def test_document_page_queries_do_not_grow_with_the_rows(client, world, django_assert_num_queries):
    # document, intakes, derived documents, count, page, proposers, topics, versions
    with django_assert_num_queries(8):
        response = client.get(world.document.get_absolute_url())
    assert response.status_code == 200
