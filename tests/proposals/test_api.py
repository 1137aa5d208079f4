"""The proposals endpoints: what journalists query, filter, cite and download."""

import datetime

import pytest
from django.utils import timezone

from proposals.models import Proposal
from proposals.services import proposal_set_proposers

LIST = "/api/v1/proposals/"


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


# --- Visibility and natural keys ----------------------------------------------------


def test_anonymous_users_see_published_proposals_only(api, proposal_factory):
    proposal_factory(number="PUB/1/1", published=True)
    hidden = proposal_factory(number="HID/1/1", published=False)
    assert numbers(api.get(LIST)) == {"PUB/1/1"}
    detail = f"/api/v1/proposals/{hidden.conference.slug}/HID-1-1/"
    assert api.get(detail).status_code == 404  # not 403: its existence does not leak


def test_curators_with_a_token_see_unpublished_proposals(curator_api, proposal_factory):
    hidden = proposal_factory(number="HID/1/1", published=False)
    response = curator_api.get(f"/api/v1/proposals/{hidden.conference.slug}/HID-1-1/")
    assert response.status_code == 200
    assert response.json()["number"] == "HID/1/1"


def test_detail_url_is_the_conference_and_the_number(api, demo_data):
    response = api.get("/api/v1/proposals/wcit-12/RUS-27-7/")
    assert response.status_code == 200
    body = response.json()
    assert body["url"] == "http://testserver/api/v1/proposals/wcit-12/RUS-27-7/"
    assert body["provision"]["number"] == "3A.1"
    assert body["document"] == {
        "url": body["document"]["url"],
        "symbol": "Revision 1 to Document 27",
        "origin": "leaked",
        "date": "2012-11-17",
    }
    assert [(p["kind"], p["code"]) for p in body["proposers"]] == [("member_state", "RUS")]


def test_a_proposal_without_a_number_is_cited_by_its_id(api, demo_data):
    etno = Proposal.objects.get(proposing_sector_members__slug="etno")
    url = f"/api/v1/proposals/wcit-12/{etno.pk}/"
    body = api.get(url).json()
    assert body["url"].endswith(url)
    assert body["proposers"][0] == {
        "kind": "sector_member",
        "code": "etno",
        "name": "European Telecommunications Network Operators' Association",
        "url": "http://testserver/api/v1/sector-members/etno/",
    }
    assert [t["slug"] for t in body["topics"]] == ["charging-interconnection"]


@pytest.mark.parametrize(
    "key", ["wcit-12/NOPE-1-1", "no-such-conference/RUS-27-7", "wcit-12/999999"]
)
def test_unknown_proposal_is_not_found(api, demo_data, key):
    assert api.get(f"/api/v1/proposals/{key}/").status_code == 404


def test_embeds_superseding_versions_but_not_unpublished_ones(api, client, proposal_factory):
    original = proposal_factory(number="RUS/27/1")
    revised = proposal_factory(conference=original.conference, number="RUS/27R1/1")
    original.superseded_by = revised
    original.save()
    slug = original.conference.slug
    old = f"/api/v1/proposals/{slug}/RUS-27-1~{original.pk}/"  # a superseded version's key
    # The revision renumbered it: a link cited before leads to the version it cited.
    moved = api.get(f"/api/v1/proposals/{slug}/RUS-27-1/")
    assert (moved.status_code, moved["Location"]) == (302, f"http://testserver{old}")
    page = client.get(f"/proposals/{slug}/RUS-27-1/")
    assert (page.status_code, page["Location"]) == (
        302,
        f"/proposals/{slug}/RUS-27-1~{original.pk}/",
    )
    assert client.get(page["Location"]).status_code == 200
    body = api.get(old).json()
    assert body["superseded_by"]["number"] == "RUS/27R1/1"
    later = api.get(f"/api/v1/proposals/{slug}/RUS-27R1-1/").json()
    assert [p["number"] for p in later["supersedes"]] == ["RUS/27/1"]

    Proposal.objects.filter(pk=revised.pk).update(published=False)
    assert api.get(old).json()["superseded_by"] is None
    # To the public the original is current again, at its plain number, with no id that
    # would give the unpublished revision away.
    current = api.get(f"/api/v1/proposals/{slug}/RUS-27-1/")
    assert current.status_code == 200
    assert current.json()["url"].endswith(f"/{slug}/RUS-27-1/")
    listed = [row["url"] for row in api.get(LIST).json()["results"]]
    assert listed == [current.json()["url"]]


# --- Filters --------------------------------------------------------------------------


@pytest.mark.usefixtures("demo_data")
class TestFilters:
    def test_proposer_alone_means_directly(self, api):
        rows = api.get(LIST, {"proposer": "RUS", "page_size": 500}).json()["results"]
        assert rows and all(any(p["code"] == "RUS" for p in r["proposers"]) for r in rows)
        assert {r["backed_directly"] for r in rows} == {True}

    def test_via_groups_adds_the_common_proposals_of_its_groups(self, api):
        direct = api.get(LIST, {"proposer": "RUS", "page_size": 500}).json()["results"]
        backed = api.get(LIST, {"proposer": "RUS", "via_groups": "true", "page_size": 500})
        rows = backed.json()["results"]
        assert len(rows) > len(direct)
        via = [r for r in rows if not r["backed_directly"]]
        assert via and all({p["code"] for p in r["proposers"]} & {"RCC", "CEPT"} for r in via)

    def test_proposer_accepts_iso_codes_and_groups_and_sector_members(self, api):
        assert numbers(api.get(LIST, {"proposer": "ru"})) == numbers(
            api.get(LIST, {"proposer": "RUS"})
        )
        assert numbers(api.get(LIST, {"proposer": "APT"})) == {f"ACP/12/0{i}" for i in range(1, 5)}
        assert len(api.get(LIST, {"proposer": "etno"}).json()["results"]) == 1

    def test_conference_topic_action_outcome(self, api):
        assert numbers(api.get(LIST, {"conference": "pp-10"})) == {
            "ACP/12/01",
            "ACP/12/02",
            "ACP/12/03",
            "ACP/12/04",
        }
        assert numbers(api.get(LIST, {"conference": "pp-10", "action": "NOC"})) == {
            "ACP/12/03",
            "ACP/12/04",
        }
        assert len(api.get(LIST, {"topic": "spam"}).json()["results"]) == 10
        assert len(api.get(LIST, {"outcome": "adopted"}).json()["results"]) == 4

    def test_group_instrument_provision_article_origin(self, api):
        assert numbers(api.get(LIST, {"group": "ARB", "conference": "pp-14"})) == {"ARB/79A1/9"}
        assert numbers(api.get(LIST, {"instrument": "itr-1988", "provision": "1.3"})) == {
            "PRG/29/1"
        }
        assert numbers(api.get(LIST, {"article": "3A"})) == {"RUS/27/7"}
        assert numbers(api.get(LIST, {"article": "1"})) == {"PRG/29/1", "TUN/25/1", "IND/21/2"}
        official = numbers(api.get(LIST, {"origin": "official", "conference": "wrc-07"}))
        assert official == {"EUR/10A25/1", "EUR/10A25/2"}

    def test_date_range_and_updated_since(self, api):
        in_2007 = {"date_after": "2007-01-01", "date_before": "2007-12-31"}
        assert numbers(api.get(LIST, in_2007)) == {"EUR/10A25/1", "EUR/10A25/2"}
        future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
        assert api.get(LIST, {"updated_since": future}).json()["results"] == []

    @pytest.mark.parametrize(
        "name",
        ["conference", "topic", "group", "action", "outcome", "region", "origin", "proposer"],
    )
    def test_an_empty_value_means_no_filter_whichever_the_filter(self, api, name):
        # A script that fills in an empty variable (conference=$C) gets the whole list.
        response = api.get(LIST, {name: "", "page_size": 500})
        assert response.status_code == 200, response.content
        assert numbers(response) == numbers(api.get(LIST, {"page_size": 500}))

    @pytest.mark.parametrize(
        ("params", "field", "says"),
        [
            ({"conference": "wcit-99"}, "conference", "Unknown conference"),
            ({"proposer": "XYZ"}, "proposer", "Unknown code 'XYZ'"),
            ({"topic": "nonsense"}, "topic", "Unknown topic"),
            ({"action": "DELETE"}, "action", "not one of the available choices"),
            ({"outcome": "won"}, "outcome", "not one of the available choices"),
            ({"date_after": "2012-13-45"}, "date_after", "valid date"),
            ({"date_before": "xx"}, "date_before", "valid date"),
            ({"updated_since": "yesterday"}, "updated_since", "valid date"),
            ({"updated_since": "0001-01-01T00:00:00+23:00"}, "updated_since", "out of range"),
            ({"provision": "99.99"}, "provision", "Unknown provision '99.99'"),
            ({"article": "42"}, "article", "Unknown article '42'"),
            ({"document": "abc"}, "document", "Unknown document"),
            ({"via_groups": "perhaps"}, "via_groups", "Give true or false"),
            ({"q": "spam\x00"}, "detail", "must not contain NUL"),
            ({"conference": ["wcit-12", "a\x00b"]}, "detail", "must not contain NUL"),
            ({"q": "x" * 301}, "q", "at most 300 characters"),
        ],
    )
    def test_bad_values_are_a_400_that_says_why(self, api, params, field, says):
        response = api.get(LIST, params)
        assert response.status_code == 400, response.content
        messages = response.json()[field]
        messages = messages if isinstance(messages, str) else " ".join(messages)
        assert says in messages


def test_other_filter_combinations_answer_an_empty_list_not_an_error(api, demo_data):
    response = api.get(LIST, {"conference": "wattc-88"})
    assert response.status_code == 200
    assert response.json()["results"] == []


# --- Query counts -------------------------------------------------------------------


def make_proposals(
    count, proposal_factory, member_state_factory, regional_group_factory, topic_factory
):
    state, group, topic = member_state_factory(), regional_group_factory(), topic_factory()
    first = None
    for _ in range(count):
        proposal = (
            proposal_factory(conference=first.conference if first else None)
            if first
            else proposal_factory()
        )
        first = first or proposal
        proposal_set_proposers(proposal=proposal, proposers=[state, group])
        proposal.topics.add(topic)
        if proposal != first:
            proposal.superseded_by = first
            proposal.save()


@pytest.mark.parametrize("count", [1, 50])
def test_list_queries_do_not_grow_with_the_rows(
    api,
    django_assert_num_queries,
    count,
    proposal_factory,
    member_state_factory,
    regional_group_factory,
    topic_factory,
):
    make_proposals(
        count, proposal_factory, member_state_factory, regional_group_factory, topic_factory
    )
    # The page, then one each for proposers, topics and the proposals they supersede.
    with django_assert_num_queries(4):
        response = api.get(LIST, {"page_size": 50})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_document_list_queries_do_not_grow_with_the_rows(
    api, django_assert_num_queries, document_factory, count
):
    base = document_factory()
    for _ in range(count - 1):
        document_factory(conference=base.conference, base_document=base)
    with django_assert_num_queries(1):
        response = api.get("/api/v1/documents/", {"page_size": 50})
    assert len(response.json()["results"]) == count


# --- Upload (curators) ----------------------------------------------------------------


def upload(client, data=b"Document 29-E\nParaguay\nMOD\tPRG/29/1\n5\t1.3\tText.\nReasons:\tWhy.\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("doc29.txt", data, content_type="text/plain")
    return client.post(
        "/api/v1/documents/upload/",
        {"file": file, "conference": "wcit-12", "origin": "leaked"},
        format="multipart",
    )


def test_a_curator_uploads_through_the_api(curator_api, reference_data):
    response = upload(curator_api)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["ingest_run"] and body["document"].startswith("http://testserver/api/v1/documents/")
    again = upload(curator_api).json()
    assert (again["ingest_run"], again["status"]) == (None, "already received")


def test_upload_needs_a_staff_token(api, reference_data, django_user_model):
    from rest_framework.authtoken.models import Token

    assert upload(api).status_code == 401
    reader = django_user_model.objects.create_user("reader", password="x")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reader).key}")
    assert upload(api).status_code == 403
    # Staff, but not allowed to add documents (as the admin would also refuse).
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=viewer).key}")
    assert upload(api).status_code == 403


def test_upload_rejects_bad_fields_with_400(curator_api, reference_data):
    response = curator_api.post(
        "/api/v1/documents/upload/", {"conference": "nope", "origin": "x"}, format="multipart"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"file", "conference", "origin"}


def test_the_public_gets_the_clean_copy_and_curators_the_original(api, curator_api, demo_data):
    from proposals.models import Document

    leaked = Document.objects.get(symbol="Revision 1 to Document 27")
    body = api.get(f"/api/v1/documents/{leaked.pk}/").json()
    assert body["download"] == f"http://testserver/api/v1/documents/{leaked.pk}/download/"
    public = b"".join(api.get(body["download"]).streaming_content)
    assert public == leaked.public_file.read() != leaked.file.read()
    assert api.get(f"/api/v1/documents/{leaked.pk}/original/").status_code == 401
    original = curator_api.get(f"/api/v1/documents/{leaked.pk}/original/")
    assert b"".join(original.streaming_content) == leaked.file.open("rb").read()
    metadata_only = Document.objects.filter(sha256=None).first()
    assert api.get(f"/api/v1/documents/{metadata_only.pk}/").json()["download"] is None
    assert api.get(f"/api/v1/documents/{metadata_only.pk}/download/").status_code == 404


@pytest.mark.parametrize(
    "accept",
    [
        "application/octet-stream",  # what the schema says the download is
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/csv",
    ],
)
def test_a_download_is_the_file_whatever_the_accept_header_names(api, demo_data, accept):
    from proposals.models import Document

    leaked = Document.objects.get(symbol="Revision 1 to Document 27")
    response = api.get(f"/api/v1/documents/{leaked.pk}/download/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == leaked.public_file.read()
    missing = api.get("/api/v1/documents/999999/download/", HTTP_ACCEPT=accept)
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/json")


def test_the_number_cites_the_current_version_and_old_ones_have_their_own_key(
    api, proposal_factory, django_capture_on_commit_callbacks
):
    original = proposal_factory(number="RUS/27/7", text="old")
    conference = original.conference
    newer = proposal_factory(conference=conference, number="RUS/27/X", text="new")
    # What a revision leaves: the old row superseded, the new one current, same number.
    Proposal.objects.filter(pk=original.pk).update(superseded_by=newer)
    Proposal.objects.filter(pk=newer.pk).update(number="RUS/27/7")
    body = api.get(f"/api/v1/proposals/{conference.slug}/RUS-27-7/").json()
    assert body["text"] == "new"
    old_url = body["supersedes"][0]["url"]
    assert old_url.endswith(f"/RUS-27-7~{original.pk}/")
    old = api.get(old_url).json()
    assert old["text"] == "old" and old["superseded_by"]["url"] == body["url"]


def test_a_link_to_the_next_version_is_the_address_the_reader_cites_it_by(
    api, curator_api, client, proposal_factory, django_assert_num_queries
):
    # v1 -> v2 (published) -> v3 (awaiting review): to the public, v2 is current.
    v1 = proposal_factory(number="RUS/27/X", text="first")
    v2, v3 = (
        proposal_factory(conference=v1.conference, number=number, text=text)
        for number, text in (("RUS/27/Y", "second"), ("RUS/27/7", "third"))
    )
    Proposal.objects.filter(pk=v3.pk).update(published=False)
    Proposal.objects.filter(pk=v1.pk).update(superseded_by=v2, number="RUS/27/7")
    Proposal.objects.filter(pk=v2.pk).update(superseded_by=v3, number="RUS/27/7")
    slug = v1.conference.slug
    v1_key = f"{slug}/RUS-27-7~{v1.pk}"

    link = api.get(f"/api/v1/proposals/{v1_key}/").json()["superseded_by"]["url"]
    assert link == f"http://testserver/api/v1/proposals/{slug}/RUS-27-7/"
    assert api.get(link).json()["text"] == "second"
    curators = curator_api.get(f"/api/v1/proposals/{v1_key}/").json()["superseded_by"]["url"]
    assert curators.endswith(f"/RUS-27-7~{v2.pk}/")
    # Last-Modified comes from v1 and v2; where v3 changes v2's address, there is none.
    with django_assert_num_queries(4):  # proposal, sponsorships, topics, supersedes
        public = api.get(f"/api/v1/proposals/{v1_key}/")
    assert public["Last-Modified"]
    assert "Last-Modified" not in curator_api.get(f"/api/v1/proposals/{v1_key}/")
    page = client.get(Proposal.objects.get(pk=v1.pk).get_absolute_url())
    assert page.status_code == 200
    assert f'href="/proposals/{slug}/RUS-27-7/"' in page.content.decode()
    assert f"RUS-27-7~{v2.pk}" not in page.content.decode()


@pytest.mark.parametrize("key", ["wcit-12/²", "wcit-12/RUS-27-7~x", "wcit-12/RUS-27-7~99999999"])
def test_odd_keys_are_not_found(api, demo_data, key):
    assert api.get(f"/api/v1/proposals/{key}/").status_code == 404


def test_a_leaked_documents_hash_is_not_published(api, demo_data):
    from proposals.models import Document

    leaked = Document.objects.get(symbol="Revision 1 to Document 27")
    assert leaked.sha256
    assert api.get(f"/api/v1/documents/{leaked.pk}/").json()["sha256"] is None
    official = Document.objects.filter(origin="official", sha256__isnull=False).first()
    assert api.get(f"/api/v1/documents/{official.pk}/").json()["sha256"] == official.sha256


def test_conferences_are_newest_first_and_undated_ones_last(api, conference_factory):
    conference_factory(slug="wcit-12", starts_on=datetime.date(2012, 12, 3))
    conference_factory(slug="undated", starts_on=None, ends_on=None)
    conference_factory(
        slug="pp-14", starts_on=datetime.date(2014, 10, 20), ends_on=datetime.date(2014, 11, 7)
    )
    rows = api.get("/api/v1/conferences/").json()["results"]
    assert [row["slug"] for row in rows] == ["pp-14", "wcit-12", "undated"]


def test_a_provision_named_only_by_unpublished_proposals_is_for_curators(
    api, curator_api, client, provision_factory, proposal_factory
):
    article = provision_factory(number="3A", kind="article", status="proposed")
    named = provision_factory(
        instrument=article.instrument, number="3A.1", status="proposed", article=article
    )
    from_the_toc = provision_factory(instrument=article.instrument, number="8B", status="proposed")
    baseline = provision_factory(instrument=article.instrument, number="1.3")
    proposal = proposal_factory(provision=named, published=False)

    def numbers(reader):
        return {row["number"] for row in reader.get("/api/v1/provisions/").json()["results"]}

    # Named by a proposal awaiting review: its number would tell of the proposal.
    assert numbers(api) == {from_the_toc.number, baseline.number}
    assert numbers(curator_api) == {"3A", "3A.1", "8B", "1.3"}
    assert api.get(f"/api/v1/provisions/{named.pk}/").status_code == 404
    assert client.get(named.get_absolute_url()).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404
    # Filtering by it answers as for a provision that does not exist.
    for name, value in (("provision", "3A.1"), ("article", "3A")):
        public = api.get("/api/v1/proposals/", {name: value})
        assert public.status_code == 400
        assert public.json() == {name: [f"Unknown {name} '{value}'."]}
        assert curator_api.get("/api/v1/proposals/", {name: value}).status_code == 200

    proposal.published = True
    proposal.save()
    assert numbers(api) == {"3A", "3A.1", "8B", "1.3"}
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_change_to_its_document_is_a_change_to_the_proposal(
    api, proposal_factory, document_factory
):
    import datetime as dt

    from django.utils.http import http_date, parse_http_date

    document = document_factory()
    proposal = proposal_factory(
        number="PRG/29/1", conference=document.conference, document=document
    )
    detail = f"/api/v1/proposals/{proposal.conference.slug}/PRG-29-1/"
    seen = api.get(detail)["Last-Modified"]
    later = timezone.now() + dt.timedelta(seconds=5)
    type(document).objects.filter(pk=document.pk).update(
        date=dt.date(2012, 11, 9), updated_at=later
    )
    changed = api.get(detail, HTTP_IF_MODIFIED_SINCE=seen)
    assert changed.status_code == 200 and changed.json()["document"]["date"] == "2012-11-09"
    assert parse_http_date(changed["Last-Modified"]) == int(later.timestamp())
    assert http_date(later.timestamp()) != seen
    since = (later - dt.timedelta(seconds=1)).isoformat()
    assert numbers(api.get(LIST, {"updated_since": since})) == {"PRG/29/1"}


def test_a_document_the_public_may_not_see_is_unknown_to_its_filter_and_links(
    api, curator_api, client, document_factory
):
    # A received file that could not be read stays with the curators.
    hidden = document_factory(symbol="Received document 3f9a", file="documents/x", file_type="")
    addendum = document_factory(
        conference=hidden.conference, symbol="Addendum 1 to Document 9", base_document=hidden
    )
    assert api.get(f"/api/v1/documents/{hidden.pk}/").status_code == 404
    public = api.get(LIST, {"document": hidden.pk})
    assert public.status_code == 400
    assert public.json() == {"document": [f"Unknown document '{hidden.pk}'."]}
    assert api.get(LIST, {"document": 999_999}).status_code == 400  # as a missing one
    assert curator_api.get(LIST, {"document": hidden.pk}).status_code == 200
    assert b"Received document 3f9a" not in api.get(LIST, {"format": "api"}).content

    def base(reader):
        return reader.get(f"/api/v1/documents/{addendum.pk}/").json()["base_document"]

    assert base(api) is None
    assert base(curator_api).endswith(f"/api/v1/documents/{hidden.pk}/")
    page = client.get(addendum.get_absolute_url())
    assert page.status_code == 200 and b"Received document 3f9a" not in page.content
    hidden.file_type = "pdf"  # read after all
    hidden.save()
    assert base(api).endswith(f"/api/v1/documents/{hidden.pk}/")
    assert b"Received document 3f9a" in client.get(addendum.get_absolute_url()).content


def test_an_oversize_upload_is_refused_by_its_size_without_keeping_it(
    curator_api, reference_data, settings, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    from proposals.models import Document

    settings.INGEST_MAX_BYTES = 1000
    kept = []
    keep = TemporaryFileUploadHandler.receive_data_chunk

    def counted(handler, raw_data, start):
        kept.append(len(raw_data))
        return keep(handler, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counted)
    big = SimpleUploadedFile("big.txt", b"x" * 8_000_000)  # past the in-memory size
    response = curator_api.post(
        "/api/v1/documents/upload/",
        {"file": big, "conference": "wcit-12", "origin": "leaked"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"file": ["The file is 7.6\xa0MB; the limit is 1000\xa0bytes."]}
    assert sum(kept) == 0 and not Document.objects.exists()
