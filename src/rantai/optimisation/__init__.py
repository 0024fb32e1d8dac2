"""Pure optimisation models (highspy), beside ``rantai.matching`` and as pure as it.

What belongs here: splitting an award across suppliers under capacity, reservation and price constraints,
and forming consortia that together cover a quantity no single UMKM can. Like the matching engine it takes
plain data and returns plain results: no ORM, no web framework, no app module (an import-linter contract
holds it). Empty until the split-award and consortium work lands."""
