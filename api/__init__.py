"""mall-pa's HTTP service (FastAPI): staff pages, emergencies, scripts and the desk console.

It talks to the daemon only through `daemon.control` and `daemon.model` (and the views in
`daemon.views`). `create_app(control)` builds it; nothing is created at import time.
"""

from api.app import create_app

__all__ = ["create_app"]
