import csv
import io

import pytest

from proposals.exports import exports_write
from proposals.models import Proposal
from proposals.tasks import regenerate_exports


@pytest.mark.usefixtures("demo_data")
class TestAggregates:
    def test_counts_by_conference(self, api):
        rows = api.get("/api/v1/aggregates/conference/").json()
        counts = {row["conference"]: row["count"] for row in rows}
        published = Proposal.objects.published().filter(conference__slug="wcit-12")
        assert counts["wcit-12"] == published.count()
        assert counts["pp-10"] == 4

    def test_proposer_by_topic_is_cdts_matrix(self, api):
        rows = api.get("/api/v1/aggregates/proposer-topic/", {"topic": "spam"}).json()
        proposers = {(r["proposer_kind"], r["proposer"]) for r in rows}
        assert ("member_state", "POR") in proposers
        assert ("regional_group", "CEPT") in proposers
        assert all(r["topic"] == "spam" and r["count"] == 1 for r in rows)
        assert len(rows) == 10

    def test_filters_apply_and_bad_ones_are_400(self, api):
        rows = api.get("/api/v1/aggregates/action/", {"conference": "pp-10"}).json()
        assert {r["action"]: r["count"] for r in rows} == {"MOD": 2, "NOC": 2}
        assert api.get("/api/v1/aggregates/action/", {"conference": "x"}).status_code == 400
        assert api.get("/api/v1/aggregates/colour/").status_code == 404

    def test_unpublished_proposals_are_not_counted(self, api):
        Proposal.objects.filter(conference__slug="pp-10").update(published=False)
        rows = api.get("/api/v1/aggregates/conference/").json()
        assert "pp-10" not in {row["conference"] for row in rows}


@pytest.fixture
def exports_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "exports"


@pytest.mark.usefixtures("demo_data")
class TestExports:
    def test_the_periodic_task_writes_every_dump(self, exports_in_tmp):
        written = regenerate_exports.apply().get()  # in this process, broker or not
        assert sorted(p.rsplit("/", 1)[1] for p in written) == [
            "documents.csv",
            "documents.jsonl",
            "proposals.csv",
            "proposals.jsonl",
        ]
        lines = (exports_in_tmp / "proposals.jsonl").read_text().splitlines()
        assert len(lines) == Proposal.objects.published().count()

    def test_beat_runs_the_export_task(self, settings):
        from itutracker.celery import app

        scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        assert "proposals.tasks.regenerate_exports" in scheduled
        assert "proposals.tasks.regenerate_exports" in app.tasks

    def test_dumps_hold_published_records_only(self, exports_in_tmp):
        Proposal.objects.filter(number="RUS/27/7").update(published=False)
        exports_write()
        text = (exports_in_tmp / "proposals.csv").read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert len(rows) == Proposal.objects.published().count()
        assert "RUS/27/7" not in {r["number"] for r in rows}
        assert rows[0]["url"].startswith("http://127.0.0.1:8000/api/v1/proposals/")
        # Readable by a web server running as another user, as public datasets must be.
        assert (exports_in_tmp / "proposals.csv").stat().st_mode & 0o777 == 0o644

    def test_the_api_lists_and_serves_them(self, api, exports_in_tmp):
        assert api.get("/api/v1/exports/").json() == []
        exports_write()
        listing = api.get("/api/v1/exports/").json()
        assert {e["name"] for e in listing} == {
            "documents.csv",
            "documents.jsonl",
            "proposals.csv",
            "proposals.jsonl",
        }
        download = api.get("/api/v1/exports/proposals.jsonl")
        assert download.status_code == 200
        assert b"RUS/27/7" in b"".join(download.streaming_content)
        # Whatever the Accept header names, the file is what it is.
        for name, accept in [("proposals.jsonl", "application/jsonl"), ("proposals.csv", "*/*")]:
            download = api.get(f"/api/v1/exports/{name}", HTTP_ACCEPT="application/octet-stream")
            assert download.status_code == 200, name
            download = api.get(f"/api/v1/exports/{name}", HTTP_ACCEPT=accept)
            assert download.status_code == 200, name
            assert download["Content-Type"].endswith("; charset=utf-8"), name

    @pytest.mark.parametrize("name", ["secrets.txt", "..%2Fdb.sqlite3", "proposals.csv.tmp"])
    def test_nothing_else_in_the_folder_is_reachable(self, api, exports_in_tmp, name):
        exports_write()
        (exports_in_tmp / "secrets.txt").write_text("no")
        assert api.get(f"/api/v1/exports/{name}").status_code == 404
