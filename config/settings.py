"""Settings, read only from the environment (see README.md and .env.example).

Defaults give a zero-setup development site: SQLite under var/, tasks run in-process, local-memory cache.
Production sets DATABASE_URL, CELERY_BROKER_URL, REDIS_URL, SECRET_KEY and DEBUG=0.
"""

import copy
import datetime as dt
import warnings
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_database,
    env_dsn,
    env_float,
    env_int,
    env_list,
    env_optional_database,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "config.admin.CatalogAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver serves static files through whitenoise too, with the headers production sends.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "django_celery_beat",
    "axes",
    "catalog",
    "providers",
    "benchmarks",
    "integrations",
]

MIDDLEWARE = [
    "lib.logs.request_id_middleware",
    "lib.middleware.api_guard",
    "lib.middleware.refuse_nul_characters",
    "django.middleware.security.SecurityMiddleware",
    # Above whitenoise, so that static files carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lib.db_router.ReplicaReadsMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "lib.middleware.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Gives the lockout answer of axes (last) its Retry-After.
    "lib.middleware.lockout_retry_after",
    # Next to last (axes, last, has no process_exception): its process_exception sees a view's database error
    # before any other middleware's.
    "lib.middleware.DatabaseUnavailable",
    # Last, as django-axes requires: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catalog.pages.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
# An optional read replica (a streaming standby of the primary) for the reads of anonymous page and API requests;
# lib/db_router.py decides, and sends everything else to the primary. Without one the alias names the primary
# and no router uses it. Tests see it as a mirror of the test database.
_replica = env_optional_database("DATABASE_REPLICA_URL")
if _replica is not None and _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
    raise ImproperlyConfigured("DATABASE_REPLICA_URL must be the same kind of database as DATABASE_URL")
DATABASES["replica"] = {**copy.deepcopy(_replica or DATABASES["default"]), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["lib.db_router.ReplicaRouter"] if _replica is not None else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
    SHARED_CACHE_ALIAS = "default"
else:
    # Without Redis each process's memory keeps its own pages, but what all processes must agree on (the versions
    # pages are kept under, the API's rate-limit counts) goes to files every gunicorn worker on the machine reads:
    # a change is seen by all of them at once, and a client is counted once (lib/versions.py).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("SHARED_CACHE_DIR") or str(BASE_DIR / "var" / "shared-cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
    SHARED_CACHE_ALIAS = "shared"

# Celery. With no broker configured, tasks run in-process as they are enqueued (the zero-setup default).
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", "", schemes=("redis", "rediss", "amqp", "pyamqp"))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

LANGUAGE_CODE = "en-us"
# Dates in the admin and in plain {{ value }} output read like the pages' (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "staticfiles")

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["lib.api.plumbing.StrictJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lib.api.plumbing.ReadOrModelPermissions"],
    "DEFAULT_THROTTLE_CLASSES": ["lib.api.plumbing.AnonymousThrottle", "lib.api.plumbing.TokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "lib.api.plumbing.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lib.api.plumbing.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # `?format=csv` on export/ is ours, not DRF's content negotiation.
    "URL_FORMAT_OVERRIDE": None,
}
# Requests a minute per client: anonymous (by IP) and with a staff token.
API_ANON_RATE = env_str("API_ANON_RATE", "120/min")
API_USER_RATE = env_str("API_USER_RATE", "1200/min")
# How long clients and shared caches may keep a read (seconds).
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 300, minimum=0)
SPECTACULAR_SETTINGS = {
    "TITLE": "LLM Catalog API",
    "DESCRIPTION": "Models, routes, prices with history and provenance, benchmarks. Money is a decimal string in "
    "USD; token prices are per 1M tokens. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lib.api.schema.document_common_responses",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per vocabulary shared by many endpoints.
    "ENUM_NAME_OVERRIDES": {
        "PriceComponentEnum": "providers.models.PriceComponent",
        "PriceUnitEnum": "providers.models.PriceUnit",
        "ServiceTierEnum": "providers.models.ServiceTier",
        "ProviderKindEnum": "providers.models.Provider.Kind",
        "ChangeKindEnum": "providers.models.ChangeEvent.Kind",
        "ModalityEnum": "catalog.vocabulary.MODALITY_VALUES",
    },
    # Served from static/vendor/swagger-ui (npm's swagger-ui-dist), never a CDN.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
}
# Any site may read the API from a browser; writes need a token and are not offered cross-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]  # and POST on estimate/ (lib.middleware.CROSS_ORIGIN_POSTS)
# What browser code may read of an answer besides the simple headers.
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "X-Request-ID", "RateLimit", "RateLimit-Policy"]

# Logs: one JSON object per line in production (LOG_FORMAT=json), a readable line in development; every line
# carries the request id or the sync run it belongs to (lib/logs.py, docs/operations.md).
LOG_FORMAT = env_choice("LOG_FORMAT", "text" if DEBUG else "json", choices=("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "lib.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "lib.logs.JsonFormatter"},
        "text": {"()": "lib.logs.TextFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # Django's own handlers (a plain console one, mail_admins) would print its lines a second time, unformatted.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # runserver's request line: the access log (config.access) already says it, with the request id.
        "django.server": {"handlers": [], "propagate": False},
        # httpx logs every request at INFO: a full OpenRouter sync would print ~400 lines.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
# Workers log through LOGGING above too, rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors to Sentry, only when SENTRY_DSN is set. No personal data (cookies, user, IP) is sent; tracing is off unless
# SENTRY_TRACES_SAMPLE_RATE says which share of requests and tasks to trace.
SENTRY_DSN = env_dsn("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production")
SENTRY_RELEASE = env_str("SENTRY_RELEASE")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0, minimum=0.0, maximum=1.0)
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE or None,
    )
    ignore_logger("providers.sync")  # a failed run's summary: its traceback is reported already

# --- Security -------------------------------------------------------------------------------------------------------
# With DEBUG off every protection is on, and `manage.py check --deploy` has nothing to say (tests/security/).
# The switches below exist for the cases where a default cannot know the deployment: see docs/security.md.

# HTTPS. A request over plain HTTP is redirected, except the probes a load balancer sends to the app directly.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips a client's): otherwise anyone could claim https.
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For; the client address is the entry the nearest one
# added. 0: REMOTE_ADDR, and the header is ignored (a client can write anything in it).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# A year, the minimum the browsers' preload list accepts; HSTS is only ever sent over HTTPS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Response headers (Django's defaults, stated so that a change is a visible decision).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response. Pages load scripts and styles from our own files only (static/,
# vendored libraries included); an inline script needs the request's nonce (`{{ request.csp_nonce }}`). JSON data
# blocks (json_script, JSON-LD) are not executed, so the policy does not apply to them. `data:` images: Swagger
# UI's icons are data-URI SVGs in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Static files: whitenoise serves them, compressed, under content-hashed names browsers may keep for a year.
# Production needs `manage.py collectstatic` first; development and tests read static/ as it is.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if DEBUG:
    # Development and tests read static/ as it is, with no collectstatic and so no STATIC_ROOT to look in.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
# Admin sign-in: django-axes counts failures per client address and username (in the database, so every web
# process shares the count) and answers 429 once the limit is reached, until the lockout has passed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ADMIN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lib.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False  # no banner on every process start; lockouts are still logged
# Outbound requests go only to the hosts of the source URLs below; a source that redirects elsewhere (a CDN) needs
# that host named here.
SYNC_EXTRA_HOSTS = [host.lower() for host in env_list("SYNC_EXTRA_HOSTS", [])]

# Sync sources: base URLs (overridable, e.g. to replay recorded payloads from a local server) and optional keys.
OPENROUTER_API_URL = env_url("OPENROUTER_API_URL", "https://openrouter.ai/api/v1", schemes=("http", "https"))
OPENROUTER_API_KEY = env_str("OPENROUTER_API_KEY")
MODELSDEV_API_URL = env_url("MODELSDEV_API_URL", "https://models.dev/api.json", schemes=("http", "https"))
LITELLM_PRICES_URL = env_url(
    "LITELLM_PRICES_URL",
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
    schemes=("http", "https"),
)
VERCEL_GATEWAY_API_URL = env_url("VERCEL_GATEWAY_API_URL", "https://ai-gateway.vercel.sh/v1", schemes=("http", "https"))
VERCEL_API_KEY = env_str("VERCEL_API_KEY")
EPOCH_BENCHMARKS_URL = env_url(
    "EPOCH_BENCHMARKS_URL", "https://epoch.ai/data/benchmark_data.zip", schemes=("http", "https")
)
METR_RESULTS_URL = env_url(
    "METR_RESULTS_URL", "https://metr.org/assets/benchmark_results_1_1.yaml", schemes=("http", "https")
)
# Outbound HTTP: per-request timeout (seconds) and how many attempts a transient failure gets.
SYNC_HTTP_TIMEOUT = env_int("SYNC_HTTP_TIMEOUT", 30, minimum=1)
SYNC_HTTP_ATTEMPTS = env_int("SYNC_HTTP_ATTEMPTS", 4, minimum=1)
# How often beat runs every live source (hours), and when a "running" sync counts as abandoned (minutes).
SYNC_EVERY_HOURS = env_int("SYNC_EVERY_HOURS", 6, minimum=1)

# Webhooks (integrations/webhooks.py, docs/integrations.md): timeout per attempt, exponential backoff from the base
# for up to a day (or WEBHOOK_MAX_ATTEMPTS), a subscription turned off after that many failed attempts in a row.
# Private, loopback and reserved addresses are refused unless allowed (tests, a closed network).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=0)
WEBHOOK_RETRY_FOR_SECONDS = env_int("WEBHOOK_RETRY_FOR_SECONDS", 86400, minimum=0)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 12, minimum=1)
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 20, minimum=1)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
SYNC_STALE_AFTER_MINUTES = env_int("SYNC_STALE_AFTER_MINUTES", 60, minimum=5)

CELERY_TASK_TIME_LIMIT = SYNC_STALE_AFTER_MINUTES * 60 - 60  # hard limit: a run never outlives its lock
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "sync-all-live-sources": {
        "task": "providers.sync_all",
        "schedule": SYNC_EVERY_HOURS * 3600,
        "kwargs": {"triggered_by": "beat"},
    },
    "retry-overdue-webhooks": {"task": "integrations.retry_due_webhooks", "schedule": 300},
}

# The catalog.
CURATED_DATA_DIR = Path(env_str("CURATED_DATA_DIR") or BASE_DIR / "data" / "curated")
# A sync run that adds at least this many models and routes is one "added in bulk" entry of the change feed.
CHANGE_GROUP_MIN = env_int("CHANGE_GROUP_MIN", 10, minimum=2)
SNAPSHOTS_DIR = Path(env_str("SNAPSHOTS_DIR") or BASE_DIR / "data" / "snapshots")
# How long a rendered page is kept (seconds; 0 turns the page cache off). Data changes invalidate it at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600, minimum=0)
# Each process also keeps the pages and API answers it served lately, and trusts the catalog version it last read
# for this long (seconds; 0: every request asks the shared cache). Another process's data change shows after at
# most this long; the process's own at once. PAGE_CACHE_LOCAL_BYTES bounds that copy (default 32 MB).
PAGE_CACHE_LOCAL_SECONDS = env_int("PAGE_CACHE_LOCAL_SECONDS", 1, minimum=0)
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024, minimum=0)
# After a change commits, a Celery task re-renders the changed models' pages and API answers and the shared lists
# (providers/rewarm.py), so the first visitor gets a warm page. Only worth it when the page cache is shared (Redis):
# a task's rendering kept in its own process's memory serves nobody. PAGE_CACHE_REWARM_URL is the scheme and host
# visitors use (entries are kept per absolute URL); PAGE_CACHE_REWARM_MODELS bounds the models of one change.
PAGE_CACHE_REWARM = env_bool("PAGE_CACHE_REWARM", bool(_redis_url))
_visitors_host = ALLOWED_HOSTS[0].lstrip(".") if ALLOWED_HOSTS and ALLOWED_HOSTS[0] != "*" else "localhost"
PAGE_CACHE_REWARM_URL = env_str("PAGE_CACHE_REWARM_URL") or f"{'http' if DEBUG else 'https'}://{_visitors_host}"
PAGE_CACHE_REWARM_MODELS = env_int("PAGE_CACHE_REWARM_MODELS", 500, minimum=0)
# Keep what is read once per catalog version in each process's memory until the version moves on
# (lib/caching.per_version): the route index of the calculator and estimate/ (about 40 MB per 50,000 routes), the
# model search's names and aliases, the filters' vocabularies, benchmark standings. Off: every use reads afresh.
# The tests turn it off.
VERSION_MEMO = env_bool("VERSION_MEMO", True)
SITE_NAME = "LLM Catalog"
# A price whose last verification is older than this many days is flagged as stale on pages.
PRICE_STALE_DAYS = env_int("PRICE_STALE_DAYS", 180, minimum=1)
# A benchmark needs this many scored models before a page ranks them, draws a value frontier or gives a percentile;
# below it the page says "too few scores to rank" (a one-model leaderboard has no #1).
RANKING_MIN_SCORES = env_int("RANKING_MIN_SCORES", 5, minimum=2)
