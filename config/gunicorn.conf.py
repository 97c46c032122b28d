"""gunicorn settings for one app server: `gunicorn -c config/gunicorn.conf.py config.wsgi` (docs/deploy.md).

Sized for 2 cores: 2 worker processes × 4 threads. Pages are mostly database time, so threads overlap the waits
while the process count stays near the core count (each process holds its own PostgreSQL connections:
workers × threads per server, against PostgreSQL's max_connections). Every value can be changed from the
environment (deploy/jiandu.env.example) without editing this file.
"""

import contextlib
import ipaddress
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Where nginx reaches this server: a loopback port when nginx runs on the same host, else a private address.
bind = [os.environ.get("JIANDU_GUNICORN_BIND", "127.0.0.1:8000")]
workers = _int("JIANDU_GUNICORN_WORKERS", 2)
worker_class = "gthread"
threads = _int("JIANDU_GUNICORN_THREADS", 4)

# A request slower than this is a bug or a stuck query: the worker is killed and restarted. Large exports run in
# the task queue, not in a request; the briefing (under 2 s at province scale) and xlsx imports fit well below it.
timeout = _int("JIANDU_GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("JIANDU_GUNICORN_GRACEFUL_TIMEOUT", 30)  # `systemctl reload` / stop: requests finish
keepalive = 5  # seconds; nginx keeps upstream connections open (deploy/nginx.conf, keepalive 16)

# Recycle each worker after about this many requests (the jitter spreads the restarts), bounding slow leaks.
max_requests = _int("JIANDU_GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("JIANDU_GUNICORN_MAX_REQUESTS_JITTER", 200)

# Each worker imports the app itself: no connection or thread is shared across a fork, and a HUP reload
# (`systemctl reload jiandu-web`) starts workers that import the code afresh. The environment is the master's:
# a changed /etc/jiandu/jiandu.env needs `systemctl restart jiandu-web`.
preload_app = False

# Only nginx talks to gunicorn, from these addresses (comma-separated, CIDR allowed). From them, and only from them,
# X-Forwarded-Proto: https makes the request secure (leave DJANGO_SECURE_PROXY_SSL_HEADER unset: Django would believe
# it from anyone) and X-Real-IP becomes REMOTE_ADDR (below).
forwarded_allow_ips = os.environ.get("JIANDU_GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


class ClientAddressFromProxy:
    """WSGI wrapper: REMOTE_ADDR is the browser's address, not nginx's.

    The audit log and the login lockout read REMOTE_ADDR only (X-Forwarded-For, which a client can write, is
    never trusted). nginx overwrites X-Real-IP with the address it accepted the connection from
    (deploy/nginx.conf); this takes it only when the TCP peer is one of `forwarded_allow_ips`, so a client that
    reaches gunicorn directly cannot choose its own address."""

    def __init__(self, app, trusted: str):
        self.app = app
        self.networks = [ipaddress.ip_network(x.strip(), strict=False) for x in trusted.split(",") if x.strip()]
        self.any_peer = "*" in trusted

    def _trusted(self, peer: str) -> bool:
        if self.any_peer:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:  # a UNIX socket: only local processes can connect
            return True
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        real = environ.pop("HTTP_X_REAL_IP", "").strip()
        if real and self._trusted(environ.get("REMOTE_ADDR", "")):
            with contextlib.suppress(ValueError):  # not an address: keep the peer's
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
        return self.app(environ, start_response)


def post_worker_init(worker):
    """Wrap the app once each worker has loaded it (gunicorn server hook)."""
    worker.wsgi = ClientAddressFromProxy(worker.wsgi, ",".join(worker.cfg.forwarded_allow_ips))


# Logs to stdout/stderr (journald under systemd). %(L)s: request time in seconds; %(M)s: in milliseconds.
accesslog = os.environ.get("JIANDU_GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("JIANDU_GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
proc_name = "jiandu-web"
# No gunicornc control socket: systemd starts, reloads and stops the server (docs/deploy.md).
control_socket_disable = True
