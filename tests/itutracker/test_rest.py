"""What every API endpoint shares: CSV, pagination, conditional GET, throttling, CORS, schema."""

import base64
import csv
import datetime
import io

import pytest
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from itutracker.rest import CursorPagination
from proposals import search
from proposals.models import Proposal

LIST = "/api/v1/proposals/"


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # so that spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.usefixtures("demo_data")
class TestCSV:
    def test_format_csv_streams_the_whole_filtered_list(self, api):
        response = api.get(LIST, {"proposer": "RUS", "via_groups": "true", "format": "csv"})
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert 'filename="proposals.csv"' in response["Content-Disposition"]
        rows = read_csv(response)
        json_rows = api.get(LIST, {"proposer": "RUS", "via_groups": "true", "page_size": 500})
        assert len(rows) == len(json_rows.json()["results"]) > 0
        rus = next(r for r in rows if r["number"] == "RUS/27/7")
        assert rus["proposers"] == "RUS"
        assert rus["provision"] == "3A.1"
        assert rus["origin"] == "leaked"
        assert rus["url"] == "http://testserver/api/v1/proposals/wcit-12/RUS-27-7/"

    def test_accept_header_asks_for_csv_too(self, api):
        response = api.get("/api/v1/member-states/", HTTP_ACCEPT="text/csv")
        rows = read_csv(response)
        assert len(rows) == 193  # every row, not one page
        assert {"iso2", "itu_code", "groups"} <= set(rows[0])

    def test_a_cell_that_looks_like_a_formula_is_defused(self, api):
        from proposals.models import Proposal

        Proposal.objects.filter(number="PRG/29/1").update(reasons='=HYPERLINK("x")')
        rows = read_csv(api.get(LIST, {"proposer": "PRG", "format": "csv"}))
        assert next(r for r in rows if r["number"] == "PRG/29/1")["reasons"].startswith("'=")

    def test_a_single_record_and_an_error_render_as_csv(self, api):
        one = api.get("/api/v1/conferences/wcit-12/", {"format": "csv"})
        assert read_csv(one)[0]["slug"] == "wcit-12"
        bad = api.get(LIST, {"conference": "nope", "format": "csv"})
        assert bad.status_code == 400
        assert "Unknown conference" in bad.content.decode()

    def test_every_list_answers_csv(self, api):
        for path in [
            "conferences",
            "member-states",
            "regional-groups",
            "sector-members",
            "delegations",
            "instruments",
            "provisions",
            "documents",
            "topics",
            "proposals",
        ]:
            response = api.get(f"/api/v1/{path}/", {"format": "csv"})
            assert response.status_code == 200, path
            assert read_csv(response), path


@pytest.mark.usefixtures("demo_data")
class TestPagination:
    def test_page_size_is_capped(self, api):
        response = api.get(LIST, {"page_size": 100000})
        assert len(response.json()["results"]) == 58  # all of them, under the cap of 500

    def test_cursor_pages_cover_everything_once(self, api):
        seen, url = [], LIST + "?page_size=7"
        while url:
            body = api.get(url).json()
            assert "count" not in body  # no COUNT query on the large lists
            seen += [r["url"] for r in body["results"]]
            url = body["next"]
        assert len(seen) == len(set(seen)) == 58

    def test_search_pages_go_on_past_many_rows_of_one_relevance(
        self, api, monkeypatch, proposal_factory
    ):
        # A cursor skips at most offset_cutoff rows of a repeated position (1,000 in DRF);
        # make that small rather than make thousands of rows of one score.
        monkeypatch.setattr(CursorPagination, "offset_cutoff", 3)
        for _ in range(9):
            proposal_factory(text="Member States shall protect the quokka.")
        search.index_proposals(Proposal.objects.all())  # the services do; the factory not
        url, seen, pages = LIST + "?q=quokka&page_size=2", [], []
        while url and len(pages) < 20:
            body = api.get(url).json()
            pages.append(body)
            seen += [row["url"] for row in body["results"]]
            url = body["next"]
        assert len(seen) == len(set(seen)) == 9
        back = api.get(pages[-1]["previous"]).json()
        assert back["results"] == pages[-2]["results"]

    @pytest.mark.parametrize(
        "position",
        ["p=abc", "p=1.5", "p=%20", "o=1&p=%00", "p=99999999999999999999999", "r=1&p=x"],
    )
    @pytest.mark.parametrize("query", [{}, {"q": "spam"}])
    def test_a_forged_cursor_is_not_found(self, api, position, query):
        # A cursor is base64 of a query string; a forged one can hold any position.
        cursor = base64.b64encode(position.encode()).decode()
        response = api.get(LIST, {"cursor": cursor, **query})
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "Invalid cursor"}
        assert api.get(LIST, {"cursor": "garbage"}).status_code == 404

    def test_a_nul_byte_anywhere_in_the_query_is_a_400(self, api, client):
        response = api.get(LIST, {"cursor": "a\x00"})
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Paths, query parameters and headers must not contain NUL characters."
        }
        assert client.get("/", {"x": "\x00"}).status_code == 400  # pages too

    def test_a_nul_byte_in_a_token_or_a_cookie_is_a_400(self, api, client):
        # Both reach a query: the token's lookup, the session's.
        assert api.get(LIST, HTTP_AUTHORIZATION="Token abc\x00def").status_code == 400
        client.cookies["sessionid"] = "abcdefgh\x00ijkl"
        assert client.get("/").status_code == 400

    def test_a_nul_byte_in_the_path_is_a_400(self, api, client):
        # PostgreSQL would raise on it as soon as the key reached a lookup.
        assert api.get("/api/v1/proposals/wcit-12/a%00b/").status_code == 400
        assert client.get("/proposals/wcit-12/a%00b/").status_code == 400
        assert client.get("/states/R%00S/").status_code == 400


@pytest.mark.usefixtures("demo_data")
class TestConditionalGet:
    def test_a_list_answers_304_to_its_etag(self, api):
        first = api.get("/api/v1/topics/")
        assert first.status_code == 200 and first["ETag"]
        again = api.get("/api/v1/topics/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304

    def test_a_proposal_answers_304_when_unchanged_since(
        self, api, proposal_factory, document_factory
    ):
        # From an official document: a leaked one's time is not told to the public, so it
        # has no Last-Modified (tests/proposals/test_disclosure.py).
        document = document_factory(origin="official")
        proposal = proposal_factory(
            number="USA/9/1", document=document, conference=document.conference
        )
        url = f"/api/v1/proposals/{proposal.conference.slug}/USA-9-1/"
        first = api.get(url)
        assert first["Last-Modified"]
        again = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304

    def test_publishing_a_revision_is_a_change_to_the_earlier_version(
        self, api, proposal_factory, document_factory
    ):
        document = document_factory(origin="official")
        original, revision = (
            proposal_factory(number=number, document=document, conference=document.conference)
            for number in ("USA/9/1", "USA/9R1/1")
        )
        Proposal.objects.filter(pk=revision.pk).update(published=False)
        Proposal.objects.filter(pk=original.pk).update(superseded_by=revision)
        moment = datetime.datetime(2012, 12, 1, tzinfo=datetime.UTC)
        Proposal.objects.update(updated_at=moment)
        type(document).objects.update(updated_at=moment)  # a proposal shows its document
        url = f"/api/v1/proposals/{document.conference.slug}/USA-9-1~{original.pk}/"
        before = api.get(url)
        assert before.json()["superseded_by"] is None
        assert before["Last-Modified"] == "Sat, 01 Dec 2012 00:00:00 GMT"

        revision.published = True
        revision.save()  # as a curator's edit in the admin does
        after = api.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
        assert after.status_code == 200
        assert after.json()["superseded_by"]["number"] == "USA/9R1/1"


class TestThrottling:
    @pytest.fixture(autouse=True)
    def low_rates(self, monkeypatch):
        # DRF reads the rates once, at import; patch the classes themselves.
        rates = {"anon": "3/min", "user": "5/min"}
        monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
        monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)

    def test_anonymous_clients_are_throttled_per_ip(self, api, db):
        statuses = [api.get("/api/v1/topics/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert api.get("/api/v1/topics/", REMOTE_ADDR="10.9.9.9").status_code == 200

    def test_a_token_raises_the_limit(self, curator_api):
        statuses = [curator_api.get("/api/v1/topics/").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]


class TestCORS:
    def test_the_api_is_readable_from_any_origin(self, api, db):
        response = api.get("/api/v1/topics/", HTTP_ORIGIN="https://newsroom.example")
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_preflight_allows_reading_only(self, api, db):
        response = api.options(
            "/api/v1/topics/",
            HTTP_ORIGIN="https://newsroom.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        )
        assert set(response["Access-Control-Allow-Methods"].split(", ")) == {
            "GET",
            "HEAD",
            "OPTIONS",
        }

    def test_pages_outside_the_api_are_not_shared(self, client, db):
        response = client.get("/", HTTP_ORIGIN="https://newsroom.example")
        assert "Access-Control-Allow-Origin" not in response


class TestSchema:
    def test_schema_documents_the_filters(self, api, db):
        response = api.get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        schema = response.json()
        names = {p["name"] for p in schema["paths"]["/api/v1/proposals/"]["get"]["parameters"]}
        assert {"q", "proposer", "via_groups", "conference", "topic", "action", "cursor"} <= names
        assert "400" in schema["paths"]["/api/v1/proposals/"]["get"]["responses"]

    def test_docs_page_loads_its_scripts_from_this_site(self, api, db):
        response = api.get("/api/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "swagger-ui" in html
        assert "cdn." not in html and "unpkg" not in html

    def test_writing_needs_authentication(self, api, db):
        assert api.post("/api/v1/topics/", {"slug": "x"}).status_code in {401, 403}


class TestUnknownPaths:
    def test_an_unknown_path_is_a_json_404(self, api, db):
        response = api.get("/api/v1/nothing-here/")
        assert response.status_code == 404
        assert response.json() == {"detail": "No API endpoint at /api/v1/nothing-here/."}

    @pytest.mark.parametrize(
        ("path", "redirected"),
        [
            ("/api/v1/topics?format=csv", "/api/v1/topics/?format=csv"),
            ("/api/v1/member-states/RU", "/api/v1/member-states/RU/"),
            ("/api/v1/proposals/wcit-12/RUS-27-7", "/api/v1/proposals/wcit-12/RUS-27-7/"),
        ],
    )
    def test_a_missing_trailing_slash_is_redirected_keeping_the_query(
        self, api, db, path, redirected
    ):
        response = api.get(path)
        assert response.status_code == 301
        assert response["Location"] == redirected

    def test_a_post_without_its_slash_is_not_redirected(self, api, curator_api):
        response = curator_api.post("/api/v1/documents/upload", {})
        assert response.status_code == 404
        assert "ends with a slash" in response.json()["detail"]
        assert api.get("/api/v1/nothing-here").status_code == 404
