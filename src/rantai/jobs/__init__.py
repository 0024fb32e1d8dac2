"""Durable background work: the job queue, leases on job rows, the scheduler (issue #10).

Domains declare their tasks here-through (imports, index updates, PDF rendering, deadlines, reminders);
``rantai worker`` runs them. Knows nothing of any domain."""
