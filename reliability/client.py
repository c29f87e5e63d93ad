"""HTTP on 127.0.0.1 for the reliability run: single requests, a staff session in the admin, and a prober that
records every answer with its time, to see when an outage starts showing and when it stops."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]

    @property
    def looks_like_a_traceback(self) -> bool:
        return "Traceback" in self.body or "OperationalError" in self.body


def request(
    port: int, method: str, path: str, *, body: str = "", headers: dict[str, str] | None = None, timeout: float = 30
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookies: dict[str, str] = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return Answer(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            text,
            time.perf_counter() - started,
            cookies,
        )
    finally:
        connection.close()


class StaffSession:
    """A signed-in staff user in the admin, as a browser would be: session and CSRF cookies, the form's token.

    Cookies are kept by hand rather than by http.cookiejar, which would withhold `Secure` cookies over the plain
    HTTP of loopback."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        origin = f"http://127.0.0.1:{self.port}"
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Referer": origin + path}
        body = ""
        if form is not None:
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}
        answer = request(self.port, method, path, body=body, headers=headers)
        self.cookies.update(answer.cookies)
        return answer

    def get(self, path: str) -> Answer:
        return self._send("GET", path)

    def submit(self, path: str, fields: dict[str, str]) -> Answer:
        """GET the form at `path`, POST it back with its CSRF token and `fields`; follow one redirect."""
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if token is None:
            raise RuntimeError(f"no CSRF token in {path} (status {page.status})")
        started = time.perf_counter()
        answer = self._send("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})
        seconds = time.perf_counter() - started
        if answer.status in (301, 302, 303) and "location" in answer.headers:
            answer = self.get(answer.headers["location"])
        answer.seconds = seconds  # the POST's own time: how long the action kept the user waiting
        return answer

    def log_in(self, username: str, password: str) -> None:
        answer = self.submit("/admin/login/?next=/admin/", {"username": username, "password": password})
        if "sessionid" not in self.cookies or answer.status != 200:
            raise RuntimeError(f"staff login failed (status {answer.status})")


def messages(html: str) -> list[tuple[str, str]]:
    """The admin's flash messages on a page: (level, text)."""
    return [
        (level, re.sub(r"<[^>]+>", "", text).strip())
        for level, text in re.findall(r'<li class="(\w+)">(.*?)</li>', html, flags=re.S)
        if level in {"info", "success", "warning", "error"}
    ]


@dataclass
class Sample:
    at: float  # when the request was sent, in seconds since the prober started
    answered: float  # when its answer (or its failure) came
    path: str
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    content_type: str
    retry_after: str
    traceback: bool


class Prober:
    """`threads` clients requesting `paths` in turn, one request at a time each, until stopped (or `limit` s).

    `fresh`: a query string of its own on every page request, so that the page cache cannot answer for the
    database."""

    def __init__(self, port: int, paths: list[str], *, threads: int = 6, limit: float = 60, fresh: bool = True) -> None:
        self.port, self.paths, self.limit, self.fresh = port, paths, limit, fresh
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.timeout = 30.0
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]
        self.started = 0.0

    def __enter__(self) -> Prober:
        self.started = time.monotonic()
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=40)

    def now(self) -> float:
        return time.monotonic() - self.started

    def _run(self, offset: int) -> None:
        index = offset
        counter = 0
        while not self._stop.is_set() and self.now() < self.limit:
            path = self.paths[index % len(self.paths)]
            index += 1
            counter += 1
            url = path
            if self.fresh and not path.startswith("/api/"):
                url += f"{'&' if '?' in path else '?'}probe={offset}-{counter}"
            at = self.now()
            try:
                answer = request(self.port, "GET", url, timeout=self.timeout)
                sample = Sample(
                    at,
                    self.now(),
                    path,
                    answer.status,
                    answer.content_type,
                    answer.headers.get("retry-after", ""),
                    answer.looks_like_a_traceback,
                )
            except OSError:
                sample = Sample(at, self.now(), path, 0, "", "", False)
            with self._lock:
                self.samples.append(sample)

    def as_wrk(self) -> dict[str, Any]:
        """The figures in the shape statuses.lua prints, for machines without wrk."""
        took = sorted(s.answered - s.at for s in self.samples if s.status)
        timeouts = sum(1 for s in self.samples if not s.status and s.answered - s.at >= self.timeout - 0.5)
        cut = statistics.quantiles(took, n=100) if len(took) > 1 else [0.0] * 99
        return {
            "requests": len(took),
            "duration_us": round(self.now() * 1e6),
            "statuses": {k: v for k, v in self.histogram().items() if k != "0"},
            "connect_errors": sum(1 for s in self.samples if not s.status) - timeouts,
            "read_errors": 0,
            "write_errors": 0,
            "timeouts": timeouts,
            "p50_us": round(cut[49] * 1e6),
            "p99_us": round(cut[98] * 1e6),
            "max_us": round((took[-1] if took else 0) * 1e6),
        }

    def histogram(self, start: float = 0.0, end: float = float("inf"), *, path: str = "") -> dict[str, int]:
        """Status codes of the answers that came between `start` and `end` (0: no answer)."""
        counts = Counter(
            str(s.status) for s in self.samples if start <= s.answered < end and (not path or s.path == path)
        )
        return dict(sorted(counts.items()))
