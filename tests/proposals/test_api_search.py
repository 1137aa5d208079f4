"""q= full-text search: ranked and stemmed on PostgreSQL, plain words on SQLite."""

import pytest

from proposals.models import Proposal

LIST = "/api/v1/proposals/"


def search(api, q, **params):
    response = api.get(LIST, {"q": q, "page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.usefixtures("demo_data")
class TestOnEveryDatabase:
    def test_plain_words_find_the_same_proposals_everywhere(self, api):
        rows = search(api, "fraud security")
        assert {r["proposers_as_stated"] for r in rows} == {
            "Egypt",
            "the Arab States regional group",
        }

    def test_a_leading_minus_excludes(self, api):
        rows = search(api, "fraud -Egypt")
        assert "Egypt" not in {r["proposers_as_stated"] for r in rows}
        assert rows

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("PRG/29", {"PRG/29/1", "PRG/29/2"}),
            ("prg/29/1", {"PRG/29/1"}),
            ("PRG-29-2", {"PRG/29/2"}),  # as in its address
            ("EUR/10", {"EUR/10A25/1", "EUR/10A25/2"}),  # and its addenda
            ("EUR/10A25/2", {"EUR/10A25/2"}),
            ("ARB/79A1", {"ARB/79A1/9"}),
            ("PRG/2", set()),  # not PRG/29
            ("PRG/29 networks", {"PRG/29/1"}),
        ],
    )
    def test_proposal_numbers_whole_or_their_start(self, api, q, expected):
        assert {row["number"] for row in search(api, q)} == expected

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("WCIT-12", {"AAA/1/1", "BBB/1/1"}),  # a conference, not a number
            ("IMT-2020 spam", {"BBB/1/1"}),
            ("PP-14", set()),
            ("ISO-3166-1", {"BBB/1/1"}),
            ("AAA/1", {"AAA/1/1"}),
            ("AAA-1-1~1", {"AAA/1/1"}),  # an earlier version's key
        ],
    )
    def test_hyphenated_words_that_are_not_proposal_numbers_are_searched_as_text(
        self, api, proposal_factory, q, expected
    ):
        from proposals import search as search_module

        made = [
            proposal_factory(number="AAA/1/1", text="as agreed at WCIT-12"),
            proposal_factory(
                number="BBB/1/1", text="WCIT-12 spam rules for IMT-2020 networks, ISO-3166-1"
            ),
        ]
        search_module.index_proposals(Proposal.objects.filter(pk__in=[p.pk for p in made]))
        assert {row["number"] for row in search(api, q)} == expected

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("AAA/1/1 OR BBB/1/1", {"AAA/1/1", "BBB/1/1"}),
            ("AAA/1 OR BBB-1-1", {"AAA/1/1", "BBB/1/1"}),
            ("zeppelins OR BBB/1/1", {"AAA/1/1", "BBB/1/1"}),
            ("AAA/1/1 OR BBB/1/1 spam", {"BBB/1/1"}),  # (either) and spam
            ("AAA/1/1 BBB/1/1", set()),  # both: no proposal has two numbers
        ],
    )
    def test_or_between_numbers_and_words_finds_either(self, api, proposal_factory, q, expected):
        from proposals import search as search_module

        made = [
            proposal_factory(number="AAA/1/1", text="about zeppelins"),
            proposal_factory(number="BBB/1/1", text="spam rules"),
        ]
        search_module.index_proposals(Proposal.objects.filter(pk__in=[p.pk for p in made]))
        assert {row["number"] for row in search(api, q)} == expected

    @pytest.mark.parametrize("q", ["OR", "-", '""', "- OR"])
    def test_a_query_of_operators_only_searches_for_nothing(self, api, q):
        assert len(search(api, q)) == len(search(api, " "))

    def test_snippets_mark_the_match_and_escape_the_rest(self, api):
        Proposal.objects.filter(number="PRG/29/1").update(
            text="<b>bold</b> claims: the security & safety of services, 1 < 2"
        )
        from proposals import search as search_module

        search_module.index_proposals(Proposal.objects.filter(number="PRG/29/1"))
        (row,) = search(api, "security", conference="wcit-12", proposer="PRG")
        assert "<mark>security</mark>" in row["snippet"]
        assert "<b>" not in row["snippet"]  # escaped, or dropped by the database's parser
        assert "&amp; safety" in row["snippet"]

    def test_without_q_there_is_no_snippet(self, api):
        rows = api.get(LIST, {"page_size": 5}).json()["results"]
        assert {r["snippet"] for r in rows} == {None}

    @pytest.mark.parametrize(("path", "q"), [(LIST, "security"), ("/api/v1/documents/", "Arab")])
    def test_a_csv_of_a_search_holds_the_same_rows_and_cuts_no_snippets(self, api, path, q):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        listed = [row["url"] for row in api.get(path, {"q": q, "page_size": 500}).json()["results"]]
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path, {"q": q, "format": "csv"})
            lines = b"".join(response.streaming_content).decode().splitlines()
        assert listed
        assert sorted(line.rsplit(",", 1)[1] for line in lines[1:]) == sorted(listed)
        sql = " ".join(query["sql"] for query in captured).lower()
        assert "ts_headline" not in sql
        assert "coalesce(nullif" not in sql  # SQLite's snippet source

    def test_documents_are_searchable_too(self, api):
        response = api.get("/api/v1/documents/", {"q": "Arab"})
        symbols = {r["symbol"] for r in response.json()["results"]}
        assert "Addendum 1 to Document 79" in symbols
        assert "TD 62" not in symbols


@pytest.mark.usefixtures("demo_data")
class TestOnPostgreSQL:
    @pytest.mark.parametrize("q", ["the", "IT", "of OR the"])
    def test_a_query_of_stop_words_only_is_no_text_query(self, api, postgres, proposal_factory, q):
        # PostgreSQL reads nothing in these: they do not empty the list, alone or beside a
        # number (SQLite looks for them as it does for any word).
        from proposals import search as search_module

        made = proposal_factory(number="AAA/1/1", text="IT and the WHO of it")
        search_module.index_proposals(Proposal.objects.filter(pk=made.pk))
        assert len(search(api, q)) == len(search(api, " "))
        assert [row["number"] for row in search(api, f"AAA/1/1 {q}")] == ["AAA/1/1"]

    def test_words_ored_with_a_number_cost_no_query_each(self, api, postgres):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def queries(q):
            with CaptureQueriesContext(connection) as captured:
                search(api, q)
            return len(captured)

        one = queries("PRG/29/1 OR w0")
        assert queries("PRG/29/1 OR " + " OR ".join(f"w{i}" for i in range(40))) == one

    def test_stems_words(self, api, postgres):
        rows = search(api, "routing")  # the text says "routed"
        assert "Egypt" in {r["proposers_as_stated"] for r in rows}

    def test_quoted_phrase_and_or(self, api, postgres):
        assert [r["number"] for r in search(api, '"internet governance"')] == ["RUS/27/7"]
        either = {r["proposers_as_stated"] for r in search(api, "spam OR IPv6")}
        assert {"Portugal", "Russia and Côte d\u2019Ivoire"} <= either

    def test_ranks_a_match_in_the_text_above_one_in_the_reasons(
        self, api, postgres, proposal_factory
    ):
        from proposals import search as search_module

        in_reasons = proposal_factory(number="AAA/1/1", reasons="about zeppelins only")
        in_text = proposal_factory(number="BBB/1/1", text="rules on zeppelins")
        search_module.index_proposals(Proposal.objects.filter(pk__in=[in_reasons.pk, in_text.pk]))
        assert [r["number"] for r in search(api, "zeppelin")][:2] == ["BBB/1/1", "AAA/1/1"]

    def test_search_uses_the_gin_index(self, postgres):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT id FROM proposals_proposal "
                "WHERE search_vector @@ websearch_to_tsquery('english', 'spam')"
            )
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "proposal_search_vector_gin" in plan

    def test_paging_through_ranked_results_skips_and_repeats_nothing(self, api, postgres):
        expected = [r["url"] for r in search(api, "proposes OR proposal")]
        seen, url = [], LIST + "?q=proposes%20OR%20proposal&page_size=3"
        while url:
            body = api.get(url).json()
            seen += [r["url"] for r in body["results"]]
            url = body["next"]
        assert seen == expected and len(seen) > 3
