"""mall-pa's HTTP service (FastAPI): staff pages, emergencies, scripts and the desk console.

It talks to the daemon only through `daemon.control` and `daemon.model`.
"""
