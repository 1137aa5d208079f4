"""Ingestion: pure steps that turn a document's bytes into parsed proposals.

detect -> extract -> header -> parse. Each step works on bytes or strings and knows
nothing of Django models, Celery or HTTP, so it can be tested on a string and runs the
same in a test, a command, the admin and a worker.
"""
