"""Settings for factcheck, read from environment variables (see README.md, "Configuration").

Two ways to run:
- embedded default: SQLite under ``var/`` and Celery tasks run eagerly in-process (no Redis needed);
- production: ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (Celery broker and shared cache).
"""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from factcheck.env import env_bool, env_float, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("FACTCHECK_DATA_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set SECRET_KEY (or SECRET_KEY_FILE) "
            "to a long random value, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`"
        )
    # A development key kept on disk so that sessions survive a restart of `make run`.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "axes",
    "factcheck",
    "sources",
    "claims",
]

MIDDLEWARE = [
    "factcheck.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # 400 for NUL characters in the URL, query string or form fields, which PostgreSQL cannot store.
    "factcheck.nul_bytes.RefuseNulBytesMiddleware",
    # Answers anonymous reads of public verdicts from Redis (headers included) before the rest (docs/api.md).
    "claims.api.public_cache.PublicVerdictCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "factcheck.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "factcheck" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
_database_url = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Health checks drop a connection the server closed (restart, failover) before a request uses it.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "factcheck.sqlite3",
            # Waiting for the write lock beats failing with "database is locked" under the dev server;
            # WAL lets readers work during a write, and synchronous=NORMAL (safe with WAL) avoids an
            # fsync per commit, which made every small write cost ~20 ms.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery --------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "factcheck",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without a broker every task runs in-process at the point it is queued (the embedded default).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Must exceed every countdown, ETA and retry backoff cap: Redis redelivers an unacknowledged task
# after this long, so a longer delay would make it run again and again (checked by a test).
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=10)

# --- Auth, i18n, static -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses further attempts for a while (brute-force protection).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 1.0, minimum=0.01)
# Lock the username from that address, so an attacker cannot lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("BEHIND_PROXY") else 0

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck@localhost")

# --- Security (production-like when DEBUG is off; see README "Deploying") -------------------------
SECURE_SSL = env_bool("SECURE_SSL", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = SECURE_SSL and env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts, styles and images only from this origin; no plugins, no framing. JSON-LD data blocks
# (<script type="application/ld+json">) are not executed and need no allowance.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True

# --- Fetching (sources app) -------------------------------------------------------------------
FETCH_ALLOW_LOOPBACK = env_bool("FETCH_ALLOW_LOOPBACK", False)
FETCH_ALLOWED_PORTS = [int(p) for p in env_list("FETCH_ALLOWED_PORTS", ["80", "443"])]
FETCH_TIMEOUT = env_float("FETCH_TIMEOUT", 10.0, minimum=0.1)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FETCH_USER_AGENT = env_str(
    "FETCH_USER_AGENT", "factcheck-bot/0.1 (+https://github.com/factcheck; verification desk)"
)

# --- Organisation (ClaimReview author, public pages) ---------------------------------------------
FACTCHECK_ORG_NAME = env_str("FACTCHECK_ORG_NAME", "Factcheck Desk")
FACTCHECK_ORG_URL = env_str("FACTCHECK_ORG_URL", "http://127.0.0.1:8000/")

# Plain text by default; LOG_FORMAT=json for one JSON object a line (log shippers). Every record carries
# the request id of the web request, or of the request that queued the task (factcheck.request_id).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "factcheck.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Celery (see factcheck/celery.py for the fixed reliability defaults and why) ----------------
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 30, 5)
# When Redis is down a request that queues a task must answer fast: try briefly, then leave the work to
# the sweepers (factcheck/queueing.py) instead of retrying for the default ~10 s.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE: dict = {}

# --- sources ---------------------------------------------------------------------------------
# Fetch limits and politeness (see docs/sources.md for the reasons behind each default).
FETCH_TOTAL_TIMEOUT = env_float("FETCH_TOTAL_TIMEOUT", 60.0, minimum=1.0)
FETCH_HOST_CONCURRENCY = env_int("FETCH_HOST_CONCURRENCY", 2, minimum=1)
FETCH_HOST_DELAY = env_float("FETCH_HOST_DELAY", 1.0, minimum=0.0)
FETCH_HOST_MAX_WAIT = env_float("FETCH_HOST_MAX_WAIT", 10.0, minimum=0.0)
ROBOTS_CACHE_SECONDS = env_int("ROBOTS_CACHE_SECONDS", 24 * 3600, minimum=60)
# Re-pull schedule: the interval doubles with every pull that finds no new content, up to the maximum;
# sources watched by claims under review (Source.watch_until) are re-pulled at least every WATCH_INTERVAL.
SOURCES_PULL_INTERVAL = env_int("SOURCES_PULL_INTERVAL", 6 * 3600, minimum=60)
SOURCES_MAX_PULL_INTERVAL = env_int("SOURCES_MAX_PULL_INTERVAL", 7 * 24 * 3600, minimum=60)
SOURCES_WATCH_INTERVAL = env_int("SOURCES_WATCH_INTERVAL", 30 * 60, minimum=60)
SOURCES_PULL_MAX_RETRIES = env_int("SOURCES_PULL_MAX_RETRIES", 5, minimum=0)
SOURCES_RETRY_BASE_DELAY = env_float("SOURCES_RETRY_BASE_DELAY", 30.0, minimum=0.1)
SOURCES_RETRY_MAX_DELAY = env_float("SOURCES_RETRY_MAX_DELAY", 1800.0, minimum=1.0)
SOURCES_PULL_LEASE = env_int("SOURCES_PULL_LEASE", 300, minimum=5)
SOURCES_REQUEUE_AFTER = env_int("SOURCES_REQUEUE_AFTER", 900, minimum=0)
SOURCES_REFRESH_BATCH = env_int("SOURCES_REFRESH_BATCH", 2000, minimum=1)
SOURCES_RAW_BODY_MAX_BYTES = env_int("SOURCES_RAW_BODY_MAX_BYTES", 2 * 1024 * 1024, minimum=0)
# The queue pulls are sent to ("io" is routed to the threads/gevent workers; tests use their own).
SOURCES_PULL_QUEUE = env_str("SOURCES_PULL_QUEUE", "io")
# Sources pulled one after the other by one message (an article's cited links): see sources/services.py.
SOURCES_PULL_BATCH = env_int("SOURCES_PULL_BATCH", 8, minimum=1)
SOURCES_REFRESH_EVERY = env_float("SOURCES_REFRESH_EVERY", 60.0, minimum=1.0)
if SOURCES_RETRY_MAX_DELAY >= BROKER_VISIBILITY_TIMEOUT or SOURCES_PULL_LEASE >= BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "SOURCES_RETRY_MAX_DELAY and SOURCES_PULL_LEASE must be below CELERY_VISIBILITY_TIMEOUT "
        "(Redis would redeliver a delayed task before it is due)"
    )
CELERY_BEAT_SCHEDULE["sources.refresh_due_sources"] = {
    "task": "sources.refresh_due_sources",
    "schedule": SOURCES_REFRESH_EVERY,
}

# --- claims workflow (see docs/workflow.md) -------------------------------------------------------
# Two-person rule: the editor who approves a verdict must not be its author.
CLAIMS_TWO_PERSON_RULE = env_bool("CLAIMS_TWO_PERSON_RULE", True)
# History change reasons are free text (send-back comments, dismissal reasons): no 100-character cap.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- claims ingestion (see docs/ingestion.md) ----------------------------------------------------
# Sources cited by a claim under review are watched (re-pulled often) for this many days after assignment.
CLAIMS_WATCH_DAYS = env_int("CLAIMS_WATCH_DAYS", 14, minimum=1)
# An article still queued/fetching/analysing this long after its last change is queued again (a lost
# broker message, a worker killed mid-analysis).
CLAIMS_ANALYSIS_QUEUE = env_str("CLAIMS_ANALYSIS_QUEUE", "default")
CLAIMS_ANALYSIS_STALE_AFTER = env_int("CLAIMS_ANALYSIS_STALE_AFTER", 600, minimum=30)
CELERY_BEAT_SCHEDULE["claims.requeue_stale_articles"] = {
    "task": "claims.requeue_stale_articles",
    "schedule": env_float("CLAIMS_REQUEUE_EVERY", 120.0, minimum=1.0),
}

# --- admin (claims admin, dashboard, notifications; see docs/admin.md) ---------------------------
from celery.schedules import crontab  # noqa: E402 - kept inside this block

# Changelists whose PostgreSQL row estimate reaches this are not counted exactly (COUNT(*) is a full scan).
ADMIN_EXACT_COUNT_BELOW = env_int("ADMIN_EXACT_COUNT_BELOW", 20000, minimum=0)
# The origin serving the admin, for links in notification emails.
FACTCHECK_ADMIN_SITE_URL = env_str("FACTCHECK_ADMIN_SITE_URL", FACTCHECK_ORG_URL)
# Daily digest of overdue claims, at this hour (UTC).
FACTCHECK_DIGEST_HOUR = env_int("FACTCHECK_DIGEST_HOUR", 7, minimum=0)
if FACTCHECK_DIGEST_HOUR > 23:
    raise ImproperlyConfigured(f"FACTCHECK_DIGEST_HOUR must be 0-23, got {FACTCHECK_DIGEST_HOUR}")
CELERY_BEAT_SCHEDULE["claims-overdue-digest"] = {
    "task": "claims.send_overdue_digest",
    "schedule": crontab(minute=0, hour=FACTCHECK_DIGEST_HOUR),
}

# --- Follow-up feeds (claims.feeds; see docs/feeds.md) -------------------------------------------
FEEDS_BEAT_SECONDS = env_int("FEEDS_BEAT_SECONDS", 60, minimum=10)
FEEDS_MAX_DUE_PER_BEAT = env_int("FEEDS_MAX_DUE_PER_BEAT", 500, minimum=1)
FEEDS_POLL_LEASE_SECONDS = env_int("FEEDS_POLL_LEASE_SECONDS", 900, minimum=60)
FEEDS_SWEEP_GRACE_SECONDS = env_int("FEEDS_SWEEP_GRACE_SECONDS", 300, minimum=30)
FEEDS_POLL_QUEUE = env_str("FEEDS_POLL_QUEUE", "io")  # polls fetch: the threads/gevent workers' queue
FEEDS_POLL_RETRIES = env_int("FEEDS_POLL_RETRIES", 3, minimum=0)
FEEDS_RETRY_BASE_SECONDS = env_float("FEEDS_RETRY_BASE_SECONDS", 30.0, minimum=0.0)
FEEDS_MAX_NEW_ITEMS_PER_POLL = env_int("FEEDS_MAX_NEW_ITEMS_PER_POLL", 100, minimum=1)
FEEDS_MATCH_THRESHOLD = env_float("FEEDS_MATCH_THRESHOLD", 0.0, minimum=0.0)  # 0: the ranker's own
FEEDS_MATCH_LIMIT = env_int("FEEDS_MATCH_LIMIT", 5, minimum=1)
FACTCHECK_TOOLS_API_KEY = env_str("FACTCHECK_TOOLS_API_KEY")
FACTCHECK_TOOLS_URL = env_str(
    "FACTCHECK_TOOLS_URL", "https://factchecktools.googleapis.com/v1alpha1/claims:search"
)
FACTCHECK_TOOLS_MAX_PAGES = env_int("FACTCHECK_TOOLS_MAX_PAGES", 2, minimum=1)
CELERY_BEAT_SCHEDULE["claims.poll_due_feeds"] = {
    "task": "claims.poll_due_feeds",
    "schedule": float(FEEDS_BEAT_SECONDS),
}

# --- Claim matching (claims.matching, docs/matching.md) ----------------------------------------
MATCHING_RANKER = env_str("MATCHING_RANKER", "lexical")
if MATCHING_RANKER not in ("lexical", "semantic", "combined"):
    raise ImproperlyConfigured(
        f"MATCHING_RANKER must be lexical, semantic or combined, got {MATCHING_RANKER!r}"
    )
# Where the semantic ranker keeps embeddings between runs (evaluation, rebuilds); empty: memory only.
MATCHING_EMBEDDING_CACHE_DIR = env_str("MATCHING_EMBEDDING_CACHE_DIR", "")

# --- Claim matching in the database and evidence suggestions (claims.similar; docs/matching.md) -----
# 0 means "the ranker's own threshold" (claims.matching: suggest_threshold / confirm_threshold).
MATCHING_SUGGEST_THRESHOLD = env_float("MATCHING_SUGGEST_THRESHOLD", 0.0, minimum=0.0)
MATCHING_CONFIRM_THRESHOLD = env_float("MATCHING_CONFIRM_THRESHOLD", 0.0, minimum=0.0)
MATCHING_MAX_SUGGESTIONS = env_int("MATCHING_MAX_SUGGESTIONS", 5, minimum=1)
# Claims written this many seconds before the newest one the index saw are re-read at each refresh: a
# transaction that sets updated_at early but commits late is still picked up.
MATCHING_REFRESH_OVERLAP = env_int("MATCHING_REFRESH_OVERLAP", 300, minimum=1)
EVIDENCE_SUGGESTIONS_PER_SOURCE = env_int("EVIDENCE_SUGGESTIONS_PER_SOURCE", 3, minimum=1)
# A passage scoring below this (ranker score against the claim) is not suggested, unless it holds a quantity.
EVIDENCE_SUGGESTION_MIN_SCORE = env_float("EVIDENCE_SUGGESTION_MIN_SCORE", 0.15, minimum=0.0)

# --- check-worthiness (claims.checkworthiness; docs/checkworthiness.md) -------------------------
# "transformer" (int8 ONNX, the default) and "linear" ship with the base install; "semantic" needs the
# `semantic` extra and falls back to "linear" (with a logged warning) where it is not installed.
CHECKWORTHINESS_MODEL = (env_str("CHECKWORTHINESS_MODEL") or "transformer").strip().lower()
if CHECKWORTHINESS_MODEL not in ("linear", "semantic", "transformer", "placeholder"):
    raise ImproperlyConfigured(
        "CHECKWORTHINESS_MODEL must be linear, semantic, transformer or placeholder, "
        f"got {CHECKWORTHINESS_MODEL!r}"
    )
# onnxruntime intra-op threads for the transformer model (per process; docs/checkworthiness.md, Speed).
CHECKWORTHINESS_THREADS = env_int("CHECKWORTHINESS_THREADS", 1, minimum=1)
# torch intra-op threads for the semantic encoder (process-wide; see docs/checkworthiness.md, Speed).
CHECKWORTHINESS_TORCH_THREADS = env_int("CHECKWORTHINESS_TORCH_THREADS", 1, minimum=1)
# --- API, public pages, feeds and webhooks (claims.api, claims.webhooks; see docs/api.md) ---------
INSTALLED_APPS += ["drf_spectacular_sidecar"]


def _rate(name: str, default: str) -> str:
    """A throttle rate such as ``60/min``; malformed values stop start-up."""
    value = env_str(name, default).strip()
    count, _, period = value.partition("/")
    if not count.isdigit() or period not in {
        "s",
        "sec",
        "second",
        "m",
        "min",
        "minute",
        "h",
        "hour",
        "d",
        "day",
    }:
        raise ImproperlyConfigured(
            f"{name} must look like 60/min (count/second|minute|hour|day), got {value!r}"
        )
    return value


FACTCHECK_SITE_URL = env_str("FACTCHECK_SITE_URL", FACTCHECK_ORG_URL).rstrip("/") + "/"
FACTCHECK_PUBLISH_REVIEWER_NAMES = env_bool("FACTCHECK_PUBLISH_REVIEWER_NAMES", False)
API_THROTTLE_RATES = {
    "anon": _rate("API_THROTTLE_ANON", "120/min"),
    "user": _rate("API_THROTTLE_USER", "1200/min"),
    "export": _rate("API_THROTTLE_EXPORT", "10/hour"),
}
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 20, minimum=1)
# The public verdict page query as a server-side prepared statement (claims/api/selectors.py); turn off
# behind a transaction-mode pooler that cannot keep prepared statements (PgBouncer before 1.21).
API_PREPARED_QUERIES = env_bool("API_PREPARED_QUERIES", True)
# Shared cache of anonymous public verdict answers (claims/api/public_cache.py); off without Redis, where
# each process would keep its own copy and miss the others' invalidations.
API_PUBLIC_CACHE_SECONDS = env_int("API_PUBLIC_CACHE_SECONDS", 30 if REDIS_URL else 0, minimum=0)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100, minimum=1)
API_IDEMPOTENCY_TTL_HOURS = env_int("API_IDEMPOTENCY_TTL_HOURS", 24, minimum=1)
WEBHOOK_TIMEOUT = env_float("WEBHOOK_TIMEOUT", 10.0, minimum=0.1)
# Seconds before each retry of a delivery that met a 5xx, 408, 429, a timeout or a connection error.
WEBHOOK_RETRY_DELAYS = [int(s) for s in env_list("WEBHOOK_RETRY_DELAYS", ["5", "30", "120", "600", "1800"])]
if any(d < 0 or d * 1.25 + 30 >= BROKER_VISIBILITY_TIMEOUT for d in WEBHOOK_RETRY_DELAYS):
    # A countdown longer than the visibility timeout makes Redis redeliver the task again and again.
    raise ImproperlyConfigured(
        f"WEBHOOK_RETRY_DELAYS must stay well below CELERY_VISIBILITY_TIMEOUT ({BROKER_VISIBILITY_TIMEOUT}s)"
    )
# Deliveries wait on other people's servers: the "io" workers (threads/gevent) take them.
WEBHOOK_QUEUE = env_str("WEBHOOK_QUEUE", "io")
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 10, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # orjson: the same bytes as DRF's JSONRenderer, faster (claims/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["claims.api.renderers.JSONRenderer"],
    # DRF's, plus 400 for NUL characters and deep nesting (claims/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["claims.api.throttling.AnonThrottle", "claims.api.throttling.UserThrottle"],
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "claims.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Published fact-check verdicts, and the editorial workflow for authenticated clients. "
    "See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimKindEnum": "claims.models.Claim.Kind",
        "ClaimantKindEnum": "claims.models.Claimant.Kind",
        "VerdictStateEnum": "claims.models.Verdict.State",
        "PublicVerdictStateEnum": [("published", "published"), ("corrected", "corrected")],
    },
}
# Re-queues webhook deliveries whose task was lost (broker down, worker killed).
CELERY_BEAT_SCHEDULE["claims.webhooks.sweep"] = {
    "task": "claims.webhooks.sweep",
    "schedule": 60.0,
    "options": {"queue": WEBHOOK_QUEUE},
}
