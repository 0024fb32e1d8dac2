"""The browser door: server-rendered pages (Jinja2 + HTMX).

Routes call services and hold no business rules."""
