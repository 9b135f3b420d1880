"""gunicorn for Mediahub: `gunicorn -c deploy/gunicorn.conf.py mediahub.wsgi`.

Everything an operator tunes comes from the environment, like the Django settings do.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: every request is short (feeds are cached, fetching runs in qcluster).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5  # behind nginx keep-alive upstream connections; direct clients reuse theirs
# A worker is replaced after this many requests (with jitter), so slow leaks never pile up.
max_requests = 5000
max_requests_jitter = 500
# Load the app once in the master: workers fork with the code shared, and start faster.
preload_app = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "-" is stdout, for journald/docker
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# The proxy in front sets X-Forwarded-For/-Proto; only trust it from where the proxy runs.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
