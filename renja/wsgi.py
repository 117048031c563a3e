"""WSGI entry point (gunicorn renja.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renja.settings")
application = get_wsgi_application()

# Garbage collection took about 6 % of a worker's CPU under `make load`: a page makes tens of thousands of short-lived
# objects (querysets, model instances, template nodes), and with the default threshold (700) the collector ran
# dozens of times per page. What was loaded at start-up (Django, the models, the settings) is moved out of the
# collector's sight (freeze), and the youngest generation is collected after 50,000 allocations: about one
# collection per page instead of dozens (docs/DEPLOY.md, "Workers").
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 20)
