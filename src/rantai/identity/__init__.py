"""Organizations, users, memberships and roles, sessions, API tokens, the audit log and the one
authorization policy that every door asks."""
