"""When a leaked document arrived: curators know the second, the public the day, wherever a
timestamp is served (API fields, Last-Modified, updated_since, the Atom feed, exports)."""

import datetime
from xml.etree import ElementTree

import pytest

from proposals.exports import dataset_rows
from proposals.models import Document, Proposal
from proposals.services.proposals import proposals_revise

ARRIVED = datetime.datetime(2012, 11, 22, 15, 27, 31, tzinfo=datetime.UTC)
THAT_DAY = "2012-11-22T00:00:00Z"
EXACTLY = "2012-11-22T15:27:31Z"


@pytest.fixture
def leak(document_factory, proposal_factory):
    """A leaked document and an official one, each with a proposal, all arrived at ARRIVED."""
    leaked = document_factory(origin="leaked", symbol="Document 62")
    # Named too: the factory's sequence reaches "Document 62" after enough tests.
    official = document_factory(
        origin="official", conference=leaked.conference, symbol="Document 9"
    )
    proposal_factory(number="ARB/62/1", document=leaked, conference=leaked.conference)
    proposal_factory(number="USA/9/1", document=official, conference=leaked.conference)
    Document.objects.update(created_at=ARRIVED, updated_at=ARRIVED)
    Proposal.objects.update(created_at=ARRIVED, updated_at=ARRIVED)
    return leaked, official


def times(body) -> tuple[str, str]:
    return body["created_at"], body["updated_at"]


def test_the_public_gets_a_leaked_records_times_to_the_day(api, leak):
    leaked, official = leak
    assert times(api.get(f"/api/v1/documents/{leaked.pk}/").json()) == (THAT_DAY, THAT_DAY)
    assert times(api.get(f"/api/v1/documents/{official.pk}/").json()) == (EXACTLY, EXACTLY)
    slug = leaked.conference.slug
    assert times(api.get(f"/api/v1/proposals/{slug}/ARB-62-1/").json()) == (THAT_DAY, THAT_DAY)
    assert times(api.get(f"/api/v1/proposals/{slug}/USA-9-1/").json()) == (EXACTLY, EXACTLY)
    listed = {row["number"]: times(row) for row in api.get("/api/v1/proposals/").json()["results"]}
    assert listed == {"ARB/62/1": (THAT_DAY, THAT_DAY), "USA/9/1": (EXACTLY, EXACTLY)}


def test_curators_get_the_exact_times(curator_api, leak):
    leaked, _ = leak
    response = curator_api.get(f"/api/v1/documents/{leaked.pk}/")
    assert times(response.json()) == (EXACTLY, EXACTLY)
    assert response["Last-Modified"] == "Thu, 22 Nov 2012 15:27:31 GMT"


def test_no_last_modified_on_a_leaked_record_for_the_public(api, leak):
    leaked, official = leak
    withheld = api.get(f"/api/v1/documents/{leaked.pk}/")
    assert "Last-Modified" not in withheld
    assert withheld["ETag"]  # conditional requests still work, on the content
    assert api.get(f"/api/v1/documents/{official.pk}/")["Last-Modified"]
    slug = leaked.conference.slug
    assert "Last-Modified" not in api.get(f"/api/v1/proposals/{slug}/ARB-62-1/")


@pytest.mark.parametrize(
    ("url", "key", "leaked_row"),
    [("/api/v1/proposals/", "number", "ARB/62/1"), ("/api/v1/documents/", "symbol", "Document 62")],
)
def test_updated_since_cannot_narrow_a_leak_below_the_day(
    api, curator_api, leak, url, key, leaked_row
):
    just_after = {"updated_since": "2012-11-22T15:27:32Z"}
    # The official row is left out to the second; the leaked one matches all that day.
    assert [row[key] for row in api.get(url, just_after).json()["results"]] == [leaked_row]
    assert curator_api.get(url, just_after).json()["results"] == []
    next_day = {"updated_since": "2012-11-23T00:00:00Z"}
    assert api.get(url, next_day).json()["results"] == []


def test_the_feed_dates_a_leaked_proposal_to_the_day(client, leak):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(client.get("/proposals/feed/").content)
    dates = {
        entry.findtext(f"{atom}id").rsplit("/", 2)[-2]: (
            entry.findtext(f"{atom}published"),
            entry.findtext(f"{atom}updated"),
        )
        for entry in feed.iter(f"{atom}entry")
    }
    assert dates == {
        "ARB-62-1": ("2012-11-22T00:00:00+00:00",) * 2,
        "USA-9-1": ("2012-11-22T15:27:31+00:00",) * 2,
    }


def test_the_public_exports_date_a_leak_to_the_day(leak):
    rows = {row["number"]: times(row) for row in dataset_rows("proposals")}
    assert rows == {"ARB/62/1": (THAT_DAY, THAT_DAY), "USA/9/1": (EXACTLY, EXACTLY)}


@pytest.fixture
def leaked_revision(leak, document_factory):
    """A leaked revision of the official USA/9/1, published, arrived at ARRIVED + 1 hour."""
    _, official = leak
    revision_document = document_factory(origin="leaked", conference=official.conference)
    original = Proposal.objects.get(number="USA/9/1")
    (revision,) = proposals_revise(
        [
            (
                original,
                {
                    "conference": official.conference,
                    "number": "USA/9/1",
                    "document": revision_document,
                    "published": True,
                    "source": "a test",
                },
            )
        ]
    )
    Proposal.objects.filter(pk=revision.pk).update(
        created_at=ARRIVED + datetime.timedelta(hours=1),
        updated_at=ARRIVED + datetime.timedelta(hours=1),
    )
    return original, revision


def test_an_official_proposal_does_not_tell_when_its_leaked_revision_came(
    api, curator_api, leaked_revision
):
    original, _ = leaked_revision
    url = f"/api/v1/proposals/{original.conference.slug}/USA-9-1~{original.pk}/"
    public = api.get(url)
    assert public.json()["superseded_by"]["number"] == "USA/9/1"
    assert "Last-Modified" not in public
    assert public.json()["updated_at"] == EXACTLY  # revising did not move it
    assert curator_api.get(url)["Last-Modified"] == "Thu, 22 Nov 2012 16:27:31 GMT"


@pytest.mark.parametrize(
    ("origin", "published", "moves"),
    [
        ("official", True, True),
        (None, True, True),  # typed in by a curator, from no document
        ("official", False, False),
        ("leaked", True, False),
        ("leaked", False, False),
    ],
)
def test_revising_moves_the_earlier_versions_time_only_for_a_public_official_revision(
    leak, document_factory, origin, published, moves
):
    _, official = leak
    original = Proposal.objects.get(number="USA/9/1")
    proposals_revise(
        [
            (
                original,
                {
                    "conference": official.conference,
                    "number": "USA/9/1",
                    "document": document_factory(origin=origin, conference=official.conference)
                    if origin
                    else None,
                    "published": published,
                    "source": "a test",
                },
            )
        ]
    )
    original.refresh_from_db()
    assert original.superseded_by is not None
    assert (original.updated_at != ARRIVED) is moves
