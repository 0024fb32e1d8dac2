"""Demo data: a small, deterministic set of organizations and users so a newcomer sees a living platform."""
