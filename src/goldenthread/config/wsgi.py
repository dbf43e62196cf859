"""The web application for a WSGI server (``goldenthread serve`` runs it under gunicorn), made
ready to serve before its first request:

* Every page template is compiled as the application loads (180 of them, 2.5 s), not by each
  worker process on the first request that renders it: that request took up to a second longer,
  and under ten concurrent clients it was a page's slowest.
* What is loaded by then (Django, the settings, the app registry, the libraries, the compiled
  templates: over a hundred thousand objects) lives as long as the process, so it is frozen out
  of Python's cycle collections (``gc.freeze``); loaded before gunicorn forks its workers, it
  also stays shared with them instead of being copied into each as a collection marks it.
* A page that reads a plan of a few hundred activities makes some hundred thousand short-lived
  objects (model instances, presenters' rows, template strings). At Python's threshold of 700
  allocations the youngest generation was collected 16 times for one such page (25 ms of its
  200), and the older collections walked the whole heap; the youngest is collected every
  :data:`YOUNGEST` allocations instead, a page's garbage a few times at most.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.template import engines

#: allocations (less deallocations) between collections of the youngest generation (Python's: 700)
YOUNGEST = 10_000

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
application = get_wsgi_application()

_pages = engines["jinja2"].env  # type: ignore[attr-defined]
for _name in _pages.list_templates(extensions=["html", "jinja"]):
    _pages.get_template(_name)

gc.collect()
gc.freeze()
_, middle, oldest = gc.get_threshold()
gc.set_threshold(YOUNGEST, middle, oldest)
