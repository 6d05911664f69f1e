"""Settings for the test suite: production settings plus what only tests may relax.

The production module requires SECRET_KEY when DEBUG is off; tests get a throwaway one so that they run
with DEBUG off, as production does.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(32))
os.environ.setdefault("FACTCHECK_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))
# Tests talk to local HTTP servers on 127.0.0.1 at random ports.
os.environ.setdefault("FETCH_ALLOW_LOOPBACK", "true")
os.environ.setdefault("SECURE_SSL", "false")

from factcheck.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests run tasks in-process unless they ask for the real broker and worker (the `celery_worker`
# fixture in conftest.py), so that most tests need no worker and stay fast.
CELERY_TASK_ALWAYS_EAGER = True

# A worker started by the tests (tests/workers.py) uses the test database and the real broker.
if os.environ.get("FACTCHECK_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["FACTCHECK_TEST_DB_NAME"]  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ["FACTCHECK_TEST_DB_NAME"]  # noqa: F405
if os.environ.get("FACTCHECK_WORKER_EAGER") == "false":
    CELERY_TASK_ALWAYS_EAGER = False

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing

# Login throttling is tested on its own (tests/test_security.py); elsewhere tests log in freely.
AXES_ENABLED = False
