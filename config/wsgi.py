import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# What start-up loaded (Django, the apps, their modules and URL patterns) lives as long as the process: set
# aside from the garbage collector, whose full collections would otherwise walk it every few requests (a pause
# of ~80 ms in the middle of a page).
gc.collect()
gc.freeze()
