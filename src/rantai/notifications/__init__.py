"""Notifications: an in-app inbox and an email outbox every domain uses, with each user's choices of what
they receive (issue #10). Below identity: callers name the recipients; it stores, shows and delivers."""
