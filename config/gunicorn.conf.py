"""gunicorn's settings: `gunicorn -c config/gunicorn.conf.py config.wsgi:application` (Dockerfile, docker-compose).

Read from the environment through config/env.py, like Django's settings, so a malformed value stops start-up naming
the variable. gunicorn reads this file as a script: module-level names are its settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from config.env import env_int, env_str


def _cpus() -> int:
    # The CPUs this process may run on (a container's limit), not every CPU of the host.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = [env_str("GUNICORN_BIND", "0.0.0.0:8000")]
# Sync workers: each serves one request at a time, so the usual 2 per CPU + 1 keeps the CPUs busy while some wait
# on the database.
workers = env_int("WEB_CONCURRENCY", 2 * _cpus() + 1, minimum=1)
# A worker silent this long is killed and replaced; the longest legitimate request (the streamed export) stays
# well inside it.
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
# Replace each worker after about this many requests, so that slow growth of memory never accumulates.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10

# Access log on stdout: client, request, status, size, duration (ms), referrer, user agent, and the proxy's
# request id when it sends one.
accesslog = "-"
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" %({x-request-id}i)s'

# The addresses whose X-Forwarded-Proto (and -For) gunicorn believes: the proxy in front, and nobody else. A
# container's proxy is not on 127.0.0.1, so set it to the proxy's address (or its network's) there.
forwarded_allow_ips = env_str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The heartbeat file on memory, not on a container's overlay disk (where a slow write can get a worker killed).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - gunicorn makes its own files there
# No control socket: nothing uses it, and several servers on one machine would share its one default path.
control_socket_disable = True
