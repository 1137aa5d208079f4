"""What only the real services can show. Skipped without them, failed under CI."""

import uuid

import pytest
from django.db import connection
from kombu import Connection


def test_proposal_number_uniqueness_is_a_partial_index_on_postgresql(postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["proposal_unique_number_per_conference"],
        )
        (definition,) = cursor.fetchone()
    assert "UNIQUE" in definition
    assert "WHERE" in definition  # numberless proposals do not collide


def test_the_celery_broker_carries_a_message(redis_url):
    queue_name = f"itutracker-test-{uuid.uuid4()}"
    with Connection(redis_url, connect_timeout=2) as broker:
        queue = broker.SimpleQueue(queue_name)
        try:
            queue.put({"ping": queue_name})
            message = queue.get(timeout=5)
            message.ack()
            assert message.payload == {"ping": queue_name}
        finally:
            queue.clear()
            queue.close()


def test_a_lost_database_connection_is_worth_retrying_a_cancelled_query_is_not(postgres):
    from django.db import OperationalError, transaction
    from django.db.utils import load_backend

    from proposals.services.ingestion import is_transient

    # A connection refused fails as a lost one does: psycopg2 gives it no SQLSTATE.
    backend = load_backend(connection.settings_dict["ENGINE"])
    unreachable = {**connection.settings_dict, "PORT": "1", "OPTIONS": {"connect_timeout": 2}}
    with pytest.raises(OperationalError) as refused:
        backend.DatabaseWrapper(unreachable).ensure_connection()
    assert is_transient(refused.value)

    with (
        pytest.raises(OperationalError) as cancelled,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(1)")
    assert cancelled.value.__cause__.pgcode == "57014"  # query_canceled
    assert not is_transient(cancelled.value)
