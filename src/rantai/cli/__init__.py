"""The command line door (Typer): ``rantai serve``, ``rantai db``, ``rantai users``, ``rantai tokens``,
``rantai demo``."""
