"""WeasyPrint rendering in a child process, with a URL fetcher that serves only static files.

Why a child process: a render is CPU-bound and can take long on pathological input. In a child it
gets a hard time limit and a memory cap, runs at a lower priority than the request threads (so the
live endpoints keep their latency, PG-7), and a stuck or crashed render never takes the web worker
down: the child is killed and the next render starts a fresh one.

In the child, one FontConfiguration and the parsed stylesheets live for the life of the process
(PG-6). A Job carries HTML and CSS rendered in the web worker; a Recipe names a function that
builds the Job in the child instead (the action plan: its queries and templates would otherwise
hold the web worker's interpreter lock for a tenth of a second per plan).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import logging
import multiprocessing
import os
import re
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from webinar.collector import without_collector

log = logging.getLogger(__name__)

# Documents are rendered with this base URL; url_for('static', ...) paths resolve under it, and
# the fetcher maps exactly this origin's /static/ to the static folder. Nothing else is served.
BASE_URL = "https://app.invalid/"
STATIC_PREFIX = "/static/"
MAX_DATA_URI = 4096
PDF_VARIANT = "pdf/ua-1"


class RenderUnavailable(Exception):
    """The render took too long or its process failed; the user should try again shortly."""


@dataclass
class Job:
    """One document: HTML variants to choose from by page count, and their stylesheet.

    ``html`` is rendered first; when ``alternate`` is given and the page count is above
    ``threshold`` while ``html`` has no table of contents (or at most ``threshold`` while it has
    one), ``alternate`` is rendered instead.
    """

    html: str
    css: str
    static_root: str
    alternate: str | None = None
    html_has_toc: bool = False
    threshold: int = 4
    # Uploaded images the document shows (a cohort's logo): address path -> (type, bytes),
    # sanitised when they were uploaded; served at BASE_URL + path and nowhere else.
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipe:
    """A document the render process builds itself: ``function`` ("module:name"), called there
    with ``args``, returns the Job. A plan's HTML then takes no time in the web worker, whose
    threads keep answering the live endpoints while plans render (PG-7)."""

    function: str
    args: tuple


@dataclass
class Result:
    pdf: bytes
    pages: int
    refused: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- in the child process

_font_config = None
_stylesheets: dict[str, object] = {}


def _static_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serve files under the static folder (and small data: URIs); refuse everything else."""

        def __init__(self, static_root: str, files: dict | None = None):
            super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)
            self.root = Path(static_root).resolve()
            self.files = {BASE_URL + path.lstrip("/"): item for path, item in (files or {}).items()}
            self.refused: list[str] = []
            self.fetched: list[str] = []

        def _refuse(self, url: str, why: str):
            self.refused.append(url)
            raise ValueError(f"refused ({why}): {url[:200]}")

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                if len(url) > MAX_DATA_URI:
                    self._refuse(url, "data URI too large")
                return super().fetch(url, headers)
            if url in self.files:
                self.fetched.append(url)
                mime, data = self.files[url]
                return URLFetcherResponse(url, data, headers={"Content-Type": mime})
            parts = urlsplit(url)
            if (f"{parts.scheme}://{parts.netloc}/" != BASE_URL
                    or not parts.path.startswith(STATIC_PREFIX)):
                self._refuse(url, "outside the app's static files")
            path = (self.root / unquote(parts.path[len(STATIC_PREFIX):])).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                self._refuse(url, "not a static file")
            self.fetched.append(url)
            return URLFetcherResponse(url, path.read_bytes(), headers={
                "Content-Type": _content_type(path)})

    return StaticOnlyFetcher


def _content_type(path: Path) -> str:
    types = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
             ".jpg": "image/jpeg", ".woff2": "font/woff2"}
    return types.get(path.suffix, "application/octet-stream")


def _child_init(memory_mb: int) -> None:
    """Lower the child's priority to idle, cap its memory, and warm up WeasyPrint once."""
    global _font_config
    with contextlib.suppress(OSError):  # not allowed on some systems
        os.nice(10)
    # SCHED_IDLE: the render only gets a core no request thread wants, and a request thread
    # that wakes up takes the core at once instead of waiting for the render's time slice (PG-7).
    with contextlib.suppress(OSError, AttributeError):  # Linux only
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _exit_with_parent()
    from weasyprint.text.fonts import FontConfiguration

    _font_config = FontConfiguration()


def _exit_with_parent() -> None:
    """End this process when the web worker that started it dies, even by `kill -9`.

    Its parent is the forkserver, not the worker, so nothing else stops it: a render in flight
    would block forever writing its result to the dead worker's pipe (T10).
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch():
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _stylesheet(css: str, fetcher):
    from weasyprint import CSS

    key = hashlib.sha256(css.encode()).hexdigest()
    sheet = _stylesheets.get(key)
    if sheet is None:
        if len(_stylesheets) >= 8:
            _stylesheets.clear()
        sheet = _stylesheets[key] = CSS(string=css, base_url=BASE_URL, url_fetcher=fetcher,
                                        font_config=_font_config)
    return sheet


@dataclass(frozen=True)
class Slots:
    """Where the render slots' lock files live and what makes their names unguessable.

    ``folder`` is in the app's instance folder (made 0700), not the shared temp folder where
    another user of the machine could create or hold a lock file of a name known beforehand;
    ``secret`` (derived from SECRET_KEY, so every worker and instance of one installation
    agrees) goes into each name.
    """

    folder: str
    secret: str = ""

    def path(self, slot: int) -> Path:
        tag = hashlib.sha256(f"{self.secret}:render-slot:{slot}".encode()).hexdigest()[:24]
        return Path(self.folder) / f"slot-{slot}-{tag}.lock"


def slots_for(config: dict, instance_path: str) -> Slots:
    """The render slots of an app, from its settings (``RENDER_LOCK_FOLDER`` overrides)."""
    folder = config.get("RENDER_LOCK_FOLDER") or str(Path(instance_path) / "render-locks")
    secret = hashlib.sha256(f"render-slots:{config.get('SECRET_KEY', '')}".encode()).hexdigest()
    return Slots(str(folder), secret)


def _default_slots() -> Slots:
    return Slots(str(Path(__file__).resolve().parent.parent / "instance" / "render-locks"))


def _open_slot(slots: Slots, slot: int) -> int:
    """Open (creating) one slot's lock file; raise RenderUnavailable when that is impossible."""
    try:
        os.makedirs(slots.folder, mode=0o700, exist_ok=True)
        return os.open(slots.path(slot), os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        log.warning("render slot lock %s cannot be opened: %r", slots.path(slot), exc)
        raise RenderUnavailable("slot") from exc


@contextlib.contextmanager
def _render_slot(poll_seconds: float = 0.05, slots: Slots | None = None):
    """Wait for one of the machine's render slots: one core fewer than the machine has, at least
    one. Every render process of every worker and instance on the machine takes one, so a core
    always stays free for the request threads (PG-7); the others wait their turn. The slots are
    file locks: the kernel frees them when a render process dies, even by ``kill -9``.
    A lock file that cannot be opened raises RenderUnavailable (the user gets a 503).
    """
    slots = slots or _default_slots()
    count = max(1, (os.cpu_count() or 2) - 1)
    while True:
        for slot in range(count):
            descriptor = _open_slot(slots, slot)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(descriptor)
                continue
            try:
                yield
            finally:
                os.close(descriptor)  # closing releases the lock
            return
        time.sleep(poll_seconds)


@without_collector  # layout builds a large tree of boxes that all live until the PDF is out
def render_in_this_process(job: Job | Recipe, slots: Slots | None = None) -> Result:
    """Render a job here (the child calls this; tests and benchmarks may call it directly)."""
    with _render_slot(slots=slots):
        return _render(job)


def _render(job: Job | Recipe) -> Result:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    global _font_config
    if isinstance(job, Recipe):
        module, _, name = job.function.partition(":")
        job = getattr(importlib.import_module(module), name)(*job.args)
    if _font_config is None:
        _font_config = FontConfiguration()
    fetcher = _static_fetcher_class()(job.static_root, job.files)
    sheet = _stylesheet(job.css, fetcher)

    def layout(html: str):
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            font_config=_font_config, stylesheets=[sheet], pdf_variant=PDF_VARIANT)

    document = layout(job.html)
    pages = len(document.pages)
    if job.alternate is not None and (pages > job.threshold) != job.html_has_toc:
        document = layout(job.alternate)
        pages = len(document.pages)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return Result(pdf, pages, fetcher.refused, fetcher.fetched)


# ---------------------------------------------------------------- in the web worker

_executor: ProcessPoolExecutor | None = None
_executor_pid: int | None = None
_lock = threading.Lock()


def _pool(memory_mb: int) -> ProcessPoolExecutor:
    global _executor, _executor_pid
    with _lock:
        if _executor is None or _executor_pid != os.getpid():
            context = multiprocessing.get_context("forkserver")
            _executor = ProcessPoolExecutor(max_workers=1, mp_context=context,
                                            initializer=_child_init, initargs=(memory_mb,))
            _executor_pid = os.getpid()
        return _executor


def _discard_pool(executor: ProcessPoolExecutor) -> None:
    """Kill the child (a render past its limit) and forget the pool; the next render starts one."""
    global _executor
    with _lock:
        if _executor is executor:
            _executor = None
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)


def render(job: Job | Recipe, timeout: float = 30, memory_mb: int = 1024,
           slots: Slots | None = None) -> Result:
    """Render in the child process within ``timeout`` seconds, or raise RenderUnavailable."""
    executor = _pool(memory_mb)
    try:
        future = executor.submit(render_in_this_process, job, slots)
        result = future.result(timeout=timeout)
    except FutureTimeout:
        log.warning("PDF render stopped after %s s", timeout)
        _discard_pool(executor)
        raise RenderUnavailable("timeout") from None
    except (BrokenProcessPool, MemoryError) as exc:
        log.warning("PDF render failed: %r", exc)
        _discard_pool(executor)
        raise RenderUnavailable("failed") from exc
    for url in result.refused:
        log.warning("PDF fetcher refused %s", url[:200])
    return result


def shutdown() -> None:
    """Stop the render process (tests and benchmarks call this at the end)."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


def css_content(label: str) -> str:
    """A CSS ``content`` value for a label with {page} and {pages} in it."""
    parts = re.split(r"(\{page\}|\{pages\})", label)
    out = []
    for part in parts:
        if part in ("{page}", "{pages}"):
            out.append(f"counter({part[1:-1]})")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)
