import xml.etree.ElementTree as ET

import pytest

from proposals.models import Proposal
from proposals.services.proposals import proposal_set_proposers

from .conftest import unpublished

ATOM = "{http://www.w3.org/2005/Atom}"


class TestSearch:
    def test_highlights_the_searched_word(self, client, small_world):
        body = client.get("/proposals/", {"q": "spam"}).content.decode()
        assert "2 proposals matching “spam”" in body
        assert "<mark>spam</mark>" in body.lower()

    def test_escapes_what_it_highlights(self, client, small_world):
        proposal = small_world.proposals[0]
        proposal.text = "<script>alert(1)</script> about spam"
        proposal.save()
        body = client.get("/proposals/", {"q": "spam"}).content.decode()
        assert "<script>alert(1)</script>" not in body

    def test_facets_count_the_results_and_link_to_narrower_views(self, client, small_world):
        response = client.get("/proposals/")
        facets = {facet.param: facet for facet in response.context["facets"]}
        assert [(v.value, v.count) for v in facets["proposer"].values] == [("RUS", 2), ("ARS", 2)]
        assert [(v.value, v.count) for v in facets["group"].values] == [("RCC", 2)]
        assert [(v.value, v.count) for v in facets["topic"].values] == [("spam", 2)]
        assert {(v.value, v.count) for v in facets["action"].values} == {("MOD", 2), ("ADD", 2)}
        assert [(v.value, v.count) for v in facets["article"].values] == [("3", 4)]
        assert [(v.value, v.count) for v in facets["origin"].values] == [("leaked", 2)]
        assert facets["topic"].values[0].query == "topic=spam"

    def test_a_facet_is_counted_without_its_own_filter(self, client, small_world, topic_factory):
        routing = topic_factory(slug="routing", name="Routing")
        small_world.group_proposals[0].topics.add(routing)
        response = client.get("/proposals/", {"topic": "spam"})
        assert response.context["page"].paginator.count == 2
        facets = {facet.param: facet for facet in response.context["facets"]}
        # Choosing routing as well would add one proposal: the facet says so.
        assert [(v.value, v.count) for v in facets["topic"].values] == [("spam", 2), ("routing", 1)]
        assert facets["topic"].values[1].query == "topic=spam&topic=routing"
        # The other facets count within the chosen topic.
        assert [(v.value, v.count) for v in facets["action"].values] == [("MOD", 2)]
        assert (
            client.get("/proposals/?topic=spam&topic=routing").context["page"].paginator.count == 3
        )

    def test_provision_values_name_their_instruments(self, client, small_world, provision_factory):
        other = provision_factory(number="3.1")  # the same number in another instrument
        small_world.group_proposals[0].provision = other
        small_world.group_proposals[0].save()
        facets = {facet.param: facet for facet in client.get("/proposals/").context["facets"]}
        (value,) = [v for v in facets["provision"].values if v.value == "3.1"]
        assert value.count == 3
        assert value.label == f"3.1 ({other.instrument.short_name}, ITRs)"

    def test_two_facets_narrow_the_list_and_can_be_switched_off(self, client, small_world):
        response = client.get("/proposals/", {"action": "ADD", "group": "RCC"})
        assert response.context["page"].paginator.count == 2
        facets = {facet.param: facet for facet in response.context["facets"]}
        chosen = facets["group"].selected[0]
        assert chosen.value == "RCC" and chosen.query == "action=ADD"
        assert "Remove: " in response.content.decode()

    def test_a_state_named_by_iso_code_redirects_to_its_itu_code(self, client, small_world):
        response = client.get("/proposals/", {"proposer": "ru", "topic": "spam"})
        assert response.status_code == 302
        assert response.url == "/proposals/?proposer=RUS&topic=spam"

    @pytest.mark.parametrize(
        "params, says",
        [
            ({"conference": "nope"}, "Unknown conference"),
            ({"proposer": "XX9"}, "Unknown code"),
            ({"sort": "sideways"}, "Select a valid choice"),
            ({"q": "x" * 301}, "at most 300 characters"),
        ],
    )
    def test_bad_parameters_are_a_400_that_says_why(self, client, small_world, params, says):
        response = client.get("/proposals/", params)
        assert response.status_code == 400
        assert says in response.content.decode()

    def test_sorts_by_number(self, client, small_world):
        response = client.get("/proposals/", {"sort": "number"})
        numbers = [proposal.number for proposal in response.context["page"]]
        assert numbers == ["RCC/10/1", "RCC/10/2", "RUS/27/1", "RUS/27/2"]

    def test_proposals_without_a_provision_sort_last_by_provision(
        self, client, small_world, proposal_factory
    ):
        # SQLite puts NULLs first in ascending order, PostgreSQL last: this puts them last on both.
        proposal_factory(conference=small_world.proposals[0].conference, number="AAA/1/1")
        response = client.get("/proposals/", {"sort": "provision"})
        numbers = [proposal.number for proposal in response.context["page"]]
        assert numbers[-1] == "AAA/1/1" and len(numbers) == 5

    def test_visitors_do_not_find_unpublished_proposals(self, client, admin_client, small_world):
        unpublished(small_world.proposals[0])
        assert client.get("/proposals/").context["page"].paginator.count == 3
        assert admin_client.get("/proposals/").context["page"].paginator.count == 4

    def test_links_to_the_same_view_as_csv_and_as_a_feed(self, client, small_world):
        body = client.get("/proposals/", {"topic": "spam", "page": "1"}).content.decode()
        assert 'href="/api/v1/proposals/?topic=spam&amp;format=csv"' in body
        assert 'href="/proposals/feed/?topic=spam"' in body

    def test_pages_through_long_lists(self, client, big_world):
        first = client.get("/proposals/", {"sort": "number"})
        second = client.get("/proposals/", {"sort": "number", "page": 2})
        assert len(first.context["page"]) == 50 and len(second.context["page"]) == 10
        assert 'rel="next"' in first.content.decode()


class TestFeed:
    def test_is_atom_with_one_entry_per_match(self, client, small_world):
        response = client.get("/proposals/feed/", {"topic": "spam"})
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 2
        links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
        assert links == {
            "http://testserver/proposals/wcit-12/RUS-27-1/",
            "http://testserver/proposals/wcit-12/RUS-27-2/",
        }

    def test_bad_filter_is_a_400(self, client, small_world):
        response = client.get("/proposals/feed/", {"topic": "nope"})
        assert response.status_code == 400
        assert b"Unknown topic" in response.content


class TestProposalPage:
    def test_shows_everything_an_analyst_needs(self, client, small_world):
        body = client.get("/proposals/wcit-12/RUS-27-1/").content.decode()
        assert "Proposal RUS/27/1" in body
        assert "badge-leaked" in body and "Document 27</a>, page 1" in body
        assert "Russia</a>" in body and "member of" in body and "RCC</a>" in body
        assert "Saudi Arabia" in body
        assert "ITRs 3.1" in body and "Spam</a>" in body and "Spam harms networks." in body
        cited = "Russia, Saudi Arabia, Proposal RUS/27/1 on ITRs 3.1, WCIT-12, Document 27"
        assert f"{cited} (leaked, p. 1). ITU Proposal Tracker" in body
        assert '<link rel="canonical" href="http://testserver/proposals/wcit-12/RUS-27-1/">' in body

    def test_links_earlier_and_later_versions(self, client, small_world, proposal_factory):
        current = small_world.proposals[0]
        old = proposal_factory(conference=current.conference, number="RUS/27/99")
        # As a revision leaves it: the old version keeps the number and is superseded.
        Proposal.objects.filter(pk=old.pk).update(number=current.number, superseded_by=current)
        old.refresh_from_db()
        body = client.get(current.get_absolute_url()).content.decode()
        assert f'Earlier: <a href="{old.get_absolute_url()}">' in body
        old_body = client.get(old.get_absolute_url()).content.decode()
        assert "superseded by a revision" in old_body and "Read the current version" in old_body

    def test_unpublished_proposals_are_for_curators(self, client, admin_client, small_world):
        proposal = unpublished(small_world.proposals[0])
        assert client.get(proposal.get_absolute_url()).status_code == 404
        assert "Unpublished" in admin_client.get(proposal.get_absolute_url()).content.decode()


class TestProvisionPage:
    def test_puts_the_proposals_side_by_side_with_word_diffs(self, client, small_world):
        response = client.get("/provisions/itr-1988/3.1/")
        body = response.content.decode()
        assert [p.number for p in response.context["page"]] == ["RUS/27/1", "RUS/27/2"]
        assert "<del>Administrations</del>" in body and "<ins>Member States</ins>" in body
        assert "<ins> to fight unsolicited spam</ins>." in body
        assert "<del> telecommunication</del> facilities" in body
        assert body.count('class="column"') == 2

    def test_the_conference_selector_narrows_it(
        self, client, small_world, proposal_factory, conference_factory
    ):
        other = conference_factory(slug="pp-14")
        proposal_factory(conference=other, provision=small_world.provision, text="Other.")
        assert len(client.get("/provisions/itr-1988/3.1/").context["page"]) == 3
        narrowed = client.get("/provisions/itr-1988/3.1/", {"conference": "pp-14"})
        assert [p.conference.slug for p in narrowed.context["page"]] == ["pp-14"]
        assert client.get("/provisions/itr-1988/3.1/", {"conference": "zz"}).status_code == 400

    def test_many_proposals_page_on_in_columns(self, client, big_world):
        first = client.get("/provisions/itr-1988/3.1/")
        second = client.get("/provisions/itr-1988/3.1/", {"page": 2})
        assert len(first.context["page"]) == 24 and len(second.context["page"]) == 6
        assert "30 proposals" in first.content.decode()

    def test_an_article_lists_its_provisions(self, client, small_world):
        response = client.get("/provisions/itr-1988/3/")
        parts = [(part.number, part.proposal_count) for part in response.context["parts"]]
        assert parts == [("3.1", 2), ("3.1.1", 0), ("3.1.2", 0)]

    def test_numbers_with_slashes_and_brackets_have_pages(
        self, client, small_world, provision_factory
    ):
        provision = provision_factory(
            instrument=small_world.provision.instrument, number="[EUR/10A25/2]"
        )
        assert client.get(provision.get_absolute_url()).status_code == 200


class TestConferencePage:
    def test_a_common_proposal_that_also_names_a_state_counts_for_its_group(
        self, client, small_world
    ):
        common = small_world.group_proposals[0]
        proposal_set_proposers(proposal=common, proposers=[small_world.group, small_world.state])
        response = client.get("/conferences/wcit-12/")
        charts = {chart.title: chart for chart in response.context["charts"]}
        groups = charts["Common proposals by regional group"].bars
        assert [(bar.label, bar.count) for bar in groups] == [("RCC", 2)]

    def test_charts_link_to_the_proposals_they_count(self, client, small_world):
        response = client.get("/conferences/wcit-12/")
        charts = {chart.title: chart for chart in response.context["charts"]}
        topic = charts["Proposals by topic"].bars[0]
        assert (topic.label, topic.count, topic.url) == (
            "Spam",
            2,
            "/proposals/?conference=wcit-12&topic=spam",
        )
        assert [
            (bar.label, bar.count) for bar in charts["Common proposals by regional group"].bars
        ] == [("RCC", 2)]
        assert {(bar.label, bar.count) for bar in charts["Proposals by action"].bars} == {
            ("MOD (modify)", 2),
            ("ADD (new text)", 2),
        }
        body = response.content.decode()
        assert "<svg viewBox=" in body and 'role="img"' in body and "Figures as a table" in body
        assert "Document 27</a>" in body


class TestDocumentPage:
    def test_shows_provenance_and_its_proposals(self, client, admin_client, small_world):
        url = small_world.document.get_absolute_url()
        body = client.get(url).content.decode()
        assert "manage.py ingest" in body and "RUS/27/1" in body and "RUS/27/2" in body
        assert "Revision 1 to Document 27" in body
        # The file name a leak arrived under may say who sent it: curators only.
        assert "from-a-source.docx" not in body
        assert "from-a-source.docx" in admin_client.get(url).content.decode()
        assert "No file: the record is taken from metadata." in body


class TestTopicPages:
    def test_the_matrix_links_each_count_to_its_proposals(self, client, small_world):
        response = client.get("/topics/")
        rows = {row["code"]: row for row in response.context["table"]}
        assert set(rows) == {"RUS", "ARS"}
        ((topic, count, query),) = rows["RUS"]["cells"]
        assert (topic.slug, count, query) == ("spam", 2, "/proposals/?proposer=RUS&topic=spam")
        assert 'href="/proposals/?proposer=RUS&amp;topic=spam"' in response.content.decode()

    def test_a_topic_page_counts_its_proposers(self, client, small_world):
        response = client.get("/topics/spam/")
        assert {(bar.label, bar.count) for bar in response.context["chart"].bars} == {
            ("Russia", 2),
            ("Saudi Arabia", 2),
        }
        assert response.context["page"].paginator.count == 2


class TestLeakedDocumentPage:
    """What could identify who passed a leak on stays with curators."""

    def test_visitors_get_neither_the_hash_nor_the_arrival_details(
        self, client, admin_client, small_world
    ):
        document = small_world.document
        document.sha256 = "ab" * 32
        document.save()
        intake = document.intakes.get()
        intake.source_url = "https://example.org/dropbox/leak"
        intake.save()
        body = client.get(document.get_absolute_url()).content.decode()
        assert "ab" * 32 not in body
        assert "example.org/dropbox" not in body and "withheld" in body
        assert f"{intake.received_at:%Y-%m-%d}" in body
        curator_view = admin_client.get(document.get_absolute_url()).content.decode()
        assert "ab" * 32 in curator_view and "example.org/dropbox" in curator_view

    def test_an_official_documents_hash_and_address_are_public(self, client, small_world):
        document = small_world.document
        document.origin = "official"
        document.sha256 = "cd" * 32
        document.save()
        intake = document.intakes.get()
        intake.source_url = "https://www.itu.int/md/doc"
        intake.save()
        body = client.get(document.get_absolute_url()).content.decode()
        assert "cd" * 32 in body and "https://www.itu.int/md/doc" in body


class TestVersionsAndMemberships:
    def test_while_a_revision_is_unpublished_visitors_read_the_published_version(
        self, client, admin_client, small_world, proposal_factory
    ):
        published = small_world.proposals[0]
        revision = proposal_factory(
            conference=published.conference, number="RUS/27/99", published=False
        )
        Proposal.objects.filter(pk=published.pk).update(superseded_by=revision)
        Proposal.objects.filter(pk=revision.pk).update(number=published.number)
        response = client.get("/proposals/wcit-12/RUS-27-1/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "superseded" not in body  # the unpublished revision is not announced
        # Nor is it given away by a version id in the addresses shown to the public.
        assert f"RUS-27-1~{published.pk}" not in body
        assert "RUS-27-1~" not in client.get("/proposals/").content.decode()
        # The version's own address still works, for links made before.
        assert client.get(f"/proposals/wcit-12/RUS-27-1~{published.pk}/").status_code == 200
        assert "Superseded" not in client.get("/proposals/").content.decode()
        assert "Superseded" in admin_client.get("/proposals/").content.decode()
        assert admin_client.get("/proposals/wcit-12/RUS-27-1/").status_code == 200

    def test_memberships_shown_are_those_at_the_time_of_the_conference(
        self, client, small_world, regional_group_factory, membership_factory
    ):
        import datetime

        later_group = regional_group_factory(code="LATER")
        membership_factory(
            group=later_group, member_state=small_world.state, since=datetime.date(2020, 1, 1)
        )
        body = client.get("/proposals/wcit-12/RUS-27-1/").content.decode()
        assert "RCC</a>" in body and "LATER" not in body

    def test_list_links_encode_provision_numbers(self, client, small_world, provision_factory):
        instrument = small_world.provision.instrument
        provision = provision_factory(instrument=instrument, number="1.1 c, d & e")
        body = client.get(provision.get_absolute_url()).content.decode()
        assert "1.1 c, d &amp; e" in body
        proposal = small_world.proposals[0]
        proposal.provision = provision
        proposal.save()
        body = client.get(provision.get_absolute_url()).content.decode()
        assert "provision=1.1+c%2C+d+%26+e" in body
