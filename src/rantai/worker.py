"""The background worker's door: loads every domain's tasks and runs the queue (``rantai worker``).

Filled by the durable-jobs work of issue #10."""
