"""The shop's settings: PostgreSQL (the store shares its database), and track17's app."""

import os

SECRET_KEY = os.environ.get("SHOP_SECRET_KEY", "not-a-secret: the example shop")
DEBUG = False
# Production's host. Under a test runner Django adds "testserver" (which the sandbox's in-process
# pushes carry), and pytest-django's live_server adds "localhost".
ALLOWED_HOSTS = ["shop.example"]
ROOT_URLCONF = "shop.urls"
# Django's live server serves static files in front of the app, and fails every request (500)
# without a STATIC_URL.
STATIC_URL = "static/"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "track17_facade.contrib.django",  # the feed's cursor, the track17_* commands
    "shop",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("SHOP_DB_NAME", "shop"),
        "USER": os.environ.get("SHOP_DB_USER", "postgres"),
        "HOST": os.environ.get("SHOP_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("SHOP_DB_PORT", "5432"),
    }
}
TRACK17 = {
    "API_KEY": os.environ.get("TRACK17_API_KEY", "set-TRACK17_API_KEY"),
    "STORE_URL": None,  # the store's tables live in the shop's own database
    "APPLY_CHANGES": "shop.tracking.update_orders",
}
