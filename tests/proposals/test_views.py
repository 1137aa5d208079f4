from django.urls import reverse


def test_home_shows_conferences_and_counts(client, demo_data, django_assert_num_queries):
    # Pinned: one query for the conferences with their counts, one for the latest
    # documents, one for the total. An N+1 would grow with the 11 conferences.
    with django_assert_num_queries(3):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "World Conference on International Telecommunications (Dubai 2012)" in body
    assert "Leaked" in body and "TD 62" in body
    slugs = [c.slug for c in response.context["conferences"]]
    assert slugs[0] == "pp-22" and slugs[-1] == "wattc-88"  # newest first


def test_home_counts_only_published_proposals_for_visitors(client, proposal_factory):
    proposal_factory(published=True)
    proposal_factory(published=False)
    response = client.get(reverse("home"))
    assert response.context["proposal_total"] == 1


def test_home_has_an_empty_state(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "No conferences yet" in response.content.decode()


def test_unknown_page_is_not_found(client, db):
    assert client.get("/no-such-page/").status_code == 404


def test_admin_sends_visitors_to_log_in(client, db):
    response = client.get("/admin/proposals/proposal/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
