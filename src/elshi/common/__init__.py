"""What every Django app shares and no app owns: the bottom layer, with no models.

Credentials crypto (``crypto``), spreadsheet export (``spreadsheet``), the API's refusal shape
(``api_errors``), form helpers (``forms``), the demo framework (``demo``) and the country profile
(``profile``). It may import the pure packages and Django, never an elshi app: every app imports it.
"""
