"""The URL namespace every phasebook route sits under (``/phasebook/…``), shared by the routes and the tests."""

NAMESPACE = "phasebook"
