"""mosulmap: who controlled which neighbourhood of east Mosul, day by day, from what the news said.

Stages, one module each: ``gazetteer`` -> ``resolver`` / ``polygons`` -> ``claims`` / ``extract``
-> ``timeline`` -> ``render``; ``pipeline.build`` runs them all and ``cli`` wraps the API.
"""

__version__ = "0.1.0"
