"""The command line door (Typer): ``rantai serve``, ``rantai db upgrade``, ``rantai users``, ``rantai tokens``,
``rantai demo``."""
