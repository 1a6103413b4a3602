"""elshi's Django settings, read from the environment (see README, Configuration).

Nothing here is edited per deployment: every knob is an environment variable
read through the typed helpers in ``elshi.web.env``.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from elshi.analysis.profile import DEFAULT_PROFILE
from elshi.missions import sso_config
from elshi.missions.client_address import parse_networks
from elshi.web import csp_policy, env

BASE_DIR = Path(__file__).resolve().parent.parent
ELSHI_HOME = env.elshi_home()
ELSHI_HOME.mkdir(parents=True, exist_ok=True)

DEBUG = env.envbool("ELSHI_DEBUG", False)
SECRET_KEY = env.secret_key(ELSHI_HOME)
ALLOWED_HOSTS = env.envlist("ELSHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# Set when elshi is served over HTTPS (directly or behind a TLS proxy): turns on
# HSTS, secure cookies and the HTTPS redirect that `check --deploy` asks for.
ELSHI_HTTPS = env.envbool("ELSHI_HTTPS", False)
# The TLS proxies in front of elshi (addresses or CIDRs): only their X-Forwarded-For is believed,
# so lockouts and rate limits count the real client. Checked here so a typo fails at start-up.
ELSHI_TRUSTED_PROXIES = env.envlist("ELSHI_TRUSTED_PROXIES", [])
# The address at which the platforms can reach elshi (https://elshi.example.org): Instagram and Threads
# fetch media from it, through signed links that expire (elshi.publishing.media). Unset: none can.
ELSHI_PUBLIC_URL = env.envstr("ELSHI_PUBLIC_URL").rstrip("/")
if ELSHI_PUBLIC_URL and not ELSHI_PUBLIC_URL.startswith(("https://", "http://")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"ELSHI_PUBLIC_URL must start with https:// (got {ELSHI_PUBLIC_URL!r})")
# Whether a new installation requires TOTP for the privileged roles (admin, approver, hq_editor) until
# an administrator changes the security policy: on by default; the demo turns it off and says so.
ELSHI_2FA_DEFAULT = env.envbool("ELSHI_2FA_DEFAULT", True)
parse_networks(ELSHI_TRUSTED_PROXIES)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "ninja",
    "elshi.web",
    "elshi.audit",
    "elshi.missions",
    "elshi.content",
    "elshi.clearance",
    "elshi.publishing",
    "elshi.monitoring",
    "elshi.reports",
    "elshi.engagements",
    "elshi.skills",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "elshi.missions.middleware.CurrentMissionMiddleware",
    "elshi.missions.middleware.TwoFactorPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "elshi.web.urls"
WSGI_APPLICATION = "elshi.web.wsgi.application"
ASGI_APPLICATION = "elshi.web.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "elshi.web.context_processors.shell",
            ],
        },
    }
]

DATABASES = {"default": env.database_config(ELSHI_HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default, taken now: a typed "egov.kz" means https

# Huey: Redis when REDIS_URL is set, else a SQLite file beside the database.
REDIS_URL = env.redis_url()
HUEY: dict[str, object] = {
    "name": "elshi",
    "immediate": False,
    "utc": True,
    # Sending is I/O-bound: threads wait on platforms, so more of them keep deliveries on time.
    "consumer": {
        "workers": env.envint("ELSHI_WORKERS", 8, minimum=1),
        # "process" runs each worker in its own process: several cores for CPU-bound bursts (thousands of
        # deliveries due at once), at the cost of one Django process's memory per worker.
        "worker_type": env.envstr("ELSHI_WORKER_TYPE", "thread").lower(),
        "periodic": True,
        # Idle workers poll a SQLite queue at most a second apart (Huey's default backs off to 10 s).
        "initial_delay": 0.05,
        "max_delay": 1.0,
    },
}
if HUEY["consumer"]["worker_type"] not in {"thread", "process"}:  # type: ignore[index]
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ELSHI_WORKER_TYPE must be thread or process")
if REDIS_URL:
    # One Redis connection per worker thread, plus the scheduler and the web server's enqueues: the
    # redis client's default pool is too small for a consumer with many threads ("Too many connections").
    import redis

    _pool_size = env.envint("ELSHI_WORKERS", 8, minimum=1) * 2 + 32
    HUEY |= {
        "huey_class": "huey.RedisHuey",
        "connection_pool": redis.ConnectionPool.from_url(REDIS_URL, max_connections=_pool_size),
    }
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(ELSHI_HOME / "queue.sqlite3")}

# A cache every process of this installation shares (registration rate limits, throttles): Redis when
# configured, else files under ELSHI_HOME (one machine, no service to run).
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(ELSHI_HOME / "cache"),
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account (per username and address) after repeated failed logins.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
# Username and address together: a sprayer elsewhere locks only itself out, never the person.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "elshi.missions.client_address.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "elshi"

LANGUAGE_CODE = "en"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = ELSHI_HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
MEDIA_ROOT = ELSHI_HOME / "media"
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = DEBUG

globals().update(env.email_config())
# Who receives the audit chain's daily anchor by e-mail (a copy kept off this machine).
ELSHI_AUDIT_ANCHOR_EMAIL = (
    env.envlist("ELSHI_AUDIT_ANCHOR_EMAIL", []) if env.envstr("ELSHI_AUDIT_ANCHOR_EMAIL") else []
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the form, not the cookie; Django's default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if ELSHI_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(("[", "."))]

# --- Content-Security-Policy (django-csp 4; issue 17) -------------------------------------------------
# Every page loads scripts, styles, images and media from elshi itself only: no inline script, no inline
# style, no eval, no frames, no plugins. A page that needs more says so with csp's per-view decorators.
CONTENT_SECURITY_POLICY = csp_policy.POLICY  # elshi.web.csp_policy says why each source is there

# --- end of Content-Security-Policy ------------------------------------------------------------------

# Calendar (ICS) subscription links stop working this many days after they are made (issue 17).
ELSHI_CALENDAR_LINK_DAYS = env.envint("ELSHI_CALENDAR_LINK_DAYS", 180, minimum=1)

# People (issue 18): an invitation link works this long; the site's address for links in e-mails sent
# from the command line (pages use the request's own address).
ELSHI_INVITATION_HOURS = env.envint("ELSHI_INVITATION_HOURS", 72, minimum=1)
ELSHI_SITE_URL = env.envstr("ELSHI_SITE_URL").rstrip("/")
# A password-reset link works for one hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"propagate": False},
        "httpx": {"level": "WARNING"},  # one line per request is noise in a worker's log
        # Chart and PDF libraries narrate every figure and layout step at INFO.
        "matplotlib": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Publishing: a first attempt later than the grace period expires instead of going out late; a
# claim is a lease that the sender's heartbeat extends (every third of it) while the send runs, and
# the sweep settles a delivery only once its lease has lapsed (its worker died or hung).
# ELSHI_PUBLISH_STUCK_SECONDS (an age alone, which took over slow sends) is no longer read.
ELSHI_PUBLISH_GRACE_SECONDS = env.envint("ELSHI_PUBLISH_GRACE_SECONDS", 7200, minimum=60)
ELSHI_PUBLISH_LEASE_SECONDS = env.envint("ELSHI_PUBLISH_LEASE_SECONDS", 60, minimum=1)
ELSHI_PUBLISH_PENDING_SECONDS = env.envint("ELSHI_PUBLISH_PENDING_SECONDS", 7200, minimum=60)
ELSHI_PUBLISH_TIMEOUT = env.envint("ELSHI_PUBLISH_TIMEOUT", 30, minimum=1)
ELSHI_PUBLISH_CONCURRENCY = env.envint("ELSHI_PUBLISH_CONCURRENCY", 128, minimum=1)
# Processes that send at once when deliveries fall due (the dispatcher and its helpers, which start
# with the worker): building and parsing thousands of requests is CPU work, and one process's threads
# share one interpreter lock, so two per core (measured: `elshi bench publishing --processes N`).
# The dispatcher starts this early to prepare (credentials, texts) and claims each delivery at its time.
ELSHI_PUBLISH_LEAD_SECONDS = env.envint("ELSHI_PUBLISH_LEAD_SECONDS", 10, minimum=0)
# Helper sender processes stay each on one CPU (round-robin over those the worker may use).
ELSHI_PUBLISH_PIN = env.envbool("ELSHI_PUBLISH_PIN", True)
ELSHI_PUBLISH_PROCESSES = env.envint("ELSHI_PUBLISH_PROCESSES", min(2 * (os.cpu_count() or 1), 8), minimum=1)
# Jitsi servers the ministry runs, accepted as meeting links beside meet.jit.si (comma-separated hosts).
ELSHI_JITSI_HOSTS = [h.strip().lower() for h in env.envstr("ELSHI_JITSI_HOSTS").split(",") if h.strip()]

# AI images (studio): "none" by default; "openai" for any OpenAI-compatible images endpoint, local ones too;
# "diffusers" for a local pipeline folder (ELSHI_IMAGE_MODEL) on ELSHI_IMAGE_DEVICE (extra `ai-local`).
ELSHI_IMAGE_BACKEND = env.envstr("ELSHI_IMAGE_BACKEND", "none").lower()
if ELSHI_IMAGE_BACKEND not in {"none", "openai", "diffusers"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"ELSHI_IMAGE_BACKEND={ELSHI_IMAGE_BACKEND!r}: use none, openai or diffusers")
ELSHI_IMAGE_DEVICE = env.envstr("ELSHI_IMAGE_DEVICE", "cuda")
ELSHI_IMAGE_BASE_URL = env.envstr("ELSHI_IMAGE_BASE_URL")
ELSHI_IMAGE_MODEL = env.envstr("ELSHI_IMAGE_MODEL")
ELSHI_IMAGE_API_KEY = env.envstr("ELSHI_IMAGE_API_KEY")

# Listening: the country profile, the tone model ("" = the default tier), and hosts that may be private
# addresses (an intranet feed); every other private, loopback or link-local address is refused.
ELSHI_PROFILE = env.envstr("ELSHI_PROFILE", DEFAULT_PROFILE)
ELSHI_TONE_MODEL = env.envstr("ELSHI_TONE_MODEL")
ELSHI_FETCH_ALLOWED_HOSTS = (
    env.envlist("ELSHI_FETCH_ALLOWED_HOSTS", []) if env.envstr("ELSHI_FETCH_ALLOWED_HOSTS") else []
)
# The same for everything else that leaves the machine for a user- or platform-given host: publishing
# (api_base, Mastodon base url), OAuth, alert webhooks, the image backend (a local image server).
ELSHI_OUTBOUND_ALLOWED_HOSTS = (
    env.envlist("ELSHI_OUTBOUND_ALLOWED_HOSTS", []) if env.envstr("ELSHI_OUTBOUND_ALLOWED_HOSTS") else []
)

# Alerts: a day's volume or negativity counts as a spike only with at least this many mentions; where to tell.
ELSHI_ALERT_MIN_VOLUME = env.envint("ELSHI_ALERT_MIN_VOLUME", 10, minimum=1)
ELSHI_ALERT_WEBHOOKS = env.envlist("ELSHI_ALERT_WEBHOOKS", []) if env.envstr("ELSHI_ALERT_WEBHOOKS") else []
ELSHI_ALERT_TELEGRAM_TOKEN = env.envstr("ELSHI_ALERT_TELEGRAM_TOKEN")
ELSHI_ALERT_TELEGRAM_CHAT = env.envstr("ELSHI_ALERT_TELEGRAM_CHAT")

ELSHI_CAPABILITIES = [
    ("listen", _("Listen")),
    ("tell", _("Tell")),
    ("clear", _("Clear")),
    ("publish", _("Publish")),
    ("measure", _("Measure")),
    ("engage", _("Engage")),
]

# --- Single sign-on (OIDC; issue 18, elshi.missions.sso) ----------------------------------------------
# The provider's issuer URL (its discovery document lives under it), the client elshi is registered as,
# and its secret (from the environment only; never stored in the database). Unset issuer: no SSO.
ELSHI_OIDC_ISSUER = env.envstr("ELSHI_OIDC_ISSUER").rstrip("/")
ELSHI_OIDC_CLIENT_ID = env.envstr("ELSHI_OIDC_CLIENT_ID")
ELSHI_OIDC_CLIENT_SECRET = env.envstr("ELSHI_OIDC_CLIENT_SECRET")
ELSHI_OIDC_PROVIDER_NAME = env.envstr("ELSHI_OIDC_PROVIDER_NAME")  # the button's "Sign in with …"
ELSHI_OIDC_SCOPES = env.envstr("ELSHI_OIDC_SCOPES", "openid email profile")
ELSHI_OIDC_GROUPS_CLAIM = env.envstr("ELSHI_OIDC_GROUPS_CLAIM", "groups")
ELSHI_OIDC_GROUP_MAP = sso_config.parse_group_map(env.envstr("ELSHI_OIDC_GROUP_MAP"))
ELSHI_OIDC_CREATE_USERS = env.envbool("ELSHI_OIDC_CREATE_USERS", False)
ELSHI_OIDC_TRUST_MFA = env.envbool("ELSHI_OIDC_TRUST_MFA", False)
# Off: the password form is gone and its POSTs refused. The command line is untouched (`elshi user …`
# needs no login); README, "Single sign-on", says how an operator gets in when the provider is down.
ELSHI_LOCAL_LOGIN = env.envbool("ELSHI_LOCAL_LOGIN", True)
if ELSHI_OIDC_ISSUER and not (ELSHI_OIDC_CLIENT_ID and ELSHI_OIDC_CLIENT_SECRET):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ELSHI_OIDC_ISSUER needs ELSHI_OIDC_CLIENT_ID and ELSHI_OIDC_CLIENT_SECRET")
if not ELSHI_LOCAL_LOGIN and not ELSHI_OIDC_ISSUER:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ELSHI_LOCAL_LOGIN=0 needs ELSHI_OIDC_ISSUER, or nobody can log in")
AUTHENTICATION_BACKENDS.append("elshi.missions.sso_backend.ElshiOIDCBackend")
# Right after django-otp's: a provider's trusted MFA then counts wherever django-otp's verification does.
_after_otp = MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1
MIDDLEWARE.insert(_after_otp, "elshi.missions.sso_views.ProviderFactorMiddleware")
# mozilla-django-oidc's own settings (its backend and views read them); endpoints come from discovery.
OIDC_RP_CLIENT_ID = ELSHI_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = ELSHI_OIDC_CLIENT_SECRET
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = ELSHI_OIDC_SCOPES
OIDC_USE_PKCE = True  # S256 by default; the library keeps the verifier in the session beside state and nonce
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"  # where the refusal message is shown
# django-axes counts failed logins per username and address; a callback carries no username, so every
# refused sign-on from one office's address would share one counter and lock the whole office out of
# SSO after five. The provider does the password checking there: each callback counts on its own.
AXES_USERNAME_CALLABLE = "elshi.missions.sso_config.axes_username"
# --- end of single sign-on ----------------------------------------------------------------------------
