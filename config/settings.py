"""Settings, read only from the environment (see README.md and .env.example).

Defaults give a zero-setup development site: SQLite under var/, tasks run in-process, local-memory cache.
Production sets DATABASE_URL, CELERY_BROKER_URL, REDIS_URL, SECRET_KEY and DEBUG=0.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_list, env_str, env_url

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
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "django_celery_beat",
    "catalog",
    "providers",
    "benchmarks",
]

MIDDLEWARE = [
    "config.middleware.refuse_nul_characters",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that its process_exception sees a view's database error before any other middleware's.
    "config.middleware.DatabaseUnavailable",
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
                "catalog.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.api.StrictJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.ReadOnlyOrStaff"],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.AnonymousThrottle", "config.api.TokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
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
        "config.api.document_bad_requests",
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
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # httpx logs every request at INFO: a full OpenRouter sync would print ~400 lines.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

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
}

# The catalog.
CURATED_DATA_DIR = Path(env_str("CURATED_DATA_DIR") or BASE_DIR / "data" / "curated")
# How long a rendered page is kept (seconds; 0 turns the page cache off). Data changes invalidate it at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600, minimum=0)
# Keep every live route's rates in each process's memory for the calculator and estimate/ (rebuilt after any
# data change; about 40 MB per 50,000 routes). Off: every ranking reads the routes afresh.
ROUTE_INDEX_CACHE = env_bool("ROUTE_INDEX_CACHE", True)
SITE_NAME = "LLM Catalog"
# A price whose last verification is older than this many days is flagged as stale on pages.
PRICE_STALE_DAYS = env_int("PRICE_STALE_DAYS", 180, minimum=1)
