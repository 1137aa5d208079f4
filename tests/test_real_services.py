"""What only the real services can show. Skipped without them, failed under CI."""

import uuid

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
