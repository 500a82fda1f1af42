"""A small process pool for "one item -> one result" jobs that cannot deadlock or leak workers.

Not ``multiprocessing.Pool``: forking a multi-threaded (Prefect) process copies held locks into
the child, a hung or dead worker there cannot be replaced alone, and nothing caps memory. Here
each worker is a plain ``Process`` from a forkserver (or spawn) context with one pipe and at
most one item in flight, so the parent knows which item a worker holds, can kill exactly that
worker and start a fresh one while the others carry on. Workers never outlive the pool: they
ignore SIGINT (Ctrl-C is the parent's), are killed and joined whenever iteration ends, exit on
EOF from their pipe, and get SIGKILL from the kernel when their parent dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, Literal, TypeVar

__all__ = ["FailureKind", "ItemFailed", "PoolSettings", "WorkerStartError", "run_pool"]

T = TypeVar("T")
R = TypeVar("R")

FailureKind = Literal["timeout", "memory", "crashed", "error"]

#: Address-space cap per worker. A worker that has imported ``flows.pipeline`` (pdfplumber,
#: pandas, pandera, numpy) maps 197 MB (237 MB forked from a forkserver that preloaded it) and
#: 234 MB (274 MB) after extracting the four sample PDFs; each OpenBLAS thread adds ~40 MB
#: (VmSize/VmPeak, Linux x86-64, Python 3.11). 1024 MB, about 4x that, leaves ~750 MB for one
#: file; a 1 MB decompression bomb that takes 2.2 GB uncapped stops at ~660 MB under it, in
#: ~6 s (under 2048 MB: 1.1 GB and up to 17 s).
DEFAULT_MEMORY_MB = 1024
#: Seconds a new worker may take to import ``work``'s module and report ready.
START_TIMEOUT_S = 60.0
#: Seconds an exiting worker gets to go on its own before it is SIGKILLed.
JOIN_GRACE_S = 2.0
#: Extraction is single-threaded per item; BLAS thread pools would only oversubscribe the cores
#: and each thread reserves ~40 MB of address space against the cap.
_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """How many workers, and the limits each one runs under."""

    workers: int = 2
    timeout_s: float | None = 300.0  # per item, from when it is handed to a ready worker
    memory_mb: int | None = DEFAULT_MEMORY_MB  # RLIMIT_AS per worker; None: no cap
    start_method: str = "forkserver"  # or "spawn"; never "fork" (see the module docstring)
    preload: tuple[str, ...] = ()  # modules the forkserver imports once, before its first fork

    def __post_init__(self) -> None:
        def bad(name: str, want: str) -> ValueError:
            return ValueError(f"PoolSettings.{name} must be {want}, not {getattr(self, name)!r}")

        if type(self.workers) is not int or self.workers < 1:
            raise bad("workers", "an int >= 1")
        t = self.timeout_s
        if t is not None and (type(t) not in (int, float) or not 0 < t < math.inf):
            raise bad("timeout_s", "a number of seconds > 0, or None")
        if self.memory_mb is not None and (type(self.memory_mb) is not int or self.memory_mb < 1):
            raise bad("memory_mb", "an int >= 1 (MB), or None")
        if self.start_method not in ("forkserver", "spawn"):
            raise bad("start_method", "'forkserver' or 'spawn' ('fork' copies held locks)")
        if type(self.preload) is not tuple or not all(isinstance(m, str) for m in self.preload):
            raise bad("preload", "a tuple of module names")


@dataclass(frozen=True, slots=True)
class ItemFailed:
    """How an item ended when ``work`` did not return a value for it.

    ``timeout``: killed ``timeout_s`` after it got the item. ``memory``: ``MemoryError``
    under the cap, or SIGKILLed by someone other than the pool (the kernel's OOM killer).
    ``crashed``: the worker died (``exitcode``: its exit code, or minus the signal number).
    ``error``: ``work`` raised, or the item or result could not be pickled (``detail``: the
    traceback)."""

    kind: FailureKind
    message: str
    exitcode: int | None = None
    detail: str = ""


class WorkerStartError(RuntimeError):
    """A worker died or hung before it was ready: ``work`` cannot be imported in a fresh
    process, or ``memory_mb`` is below what the worker maps after its imports."""


def run_pool(items: Sequence[T], work: Callable[[T], R],
             settings: PoolSettings | None = None,
             ) -> Generator[tuple[int, R | ItemFailed], None, None]:
    """``work(item)`` for every item in worker processes, yielding ``(index, result)`` in
    completion order, every index exactly once.

    ``work`` must be a picklable top-level function (workers import it by name). Nothing
    starts until the first ``next()``, and no worker starts for no items. Every worker is
    stopped (SIGKILLed unless all items are done) and joined before this generator finishes,
    is closed or lets an exception out; consume it inside ``with contextlib.closing(
    run_pool(...)) as results:`` so that holds for an exception in the loop body too."""
    settings = settings or PoolSettings()
    if not items:
        return
    try:
        work_bytes = pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise ValueError(f"work must be a picklable top-level function, not {work!r}: "
                         f"{type(exc).__name__}: {exc}") from exc
    pool: _Pool[T, R] = _Pool(items, work_bytes, settings)
    completed = False
    try:
        yield from pool.results()
        completed = True
    finally:
        pool.shutdown(graceful=completed)


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    deadline: float | None  # when the item in flight (or the start-up) has overrun
    ready: bool = False
    index: int | None = None  # the item in flight
    broken: bool = False  # its pipe failed: it is dead or dying


Done = list[tuple[int, R | ItemFailed]]


class _Pool(Generic[T, R]):
    def __init__(self, items: Sequence[T], work_bytes: bytes, settings: PoolSettings) -> None:
        self.items, self.work_bytes, self.settings = items, work_bytes, settings
        self.ctx = multiprocessing.get_context(settings.start_method)
        if settings.start_method == "forkserver" and settings.preload:
            # Takes effect only when this process starts its forkserver (the first pool).
            self.ctx.set_forkserver_preload(list(settings.preload))
        self.pending = deque(range(len(items)))
        self.left = len(items)
        self.workers: list[_Worker] = []
        self.retired: list[BaseProcess] = []  # told to exit, or killed; joined at shutdown

    def results(self) -> Iterator[tuple[int, R | ItemFailed]]:
        for _ in range(min(self.settings.workers, len(self.items))):
            self._start()
        while self.left:
            if not self.workers:
                raise RuntimeError("run_pool: items are left but no worker holds them")
            deadlines = [w.deadline for w in self.workers if w.deadline is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            if not any(w.broken for w in self.workers):
                wait([w.conn for w in self.workers] + [w.process.sentinel for w in self.workers],
                     timeout)
            done: Done[R] = []
            for w in list(self.workers):
                done += self._service(w)
            self._refill()
            done += self._hand_out()
            self.left -= len(done)
            yield from done  # every worker already has its next item: they work meanwhile

    def _start(self) -> None:
        parent, child = multiprocessing.Pipe(duplex=True)
        cap = None if self.settings.memory_mb is None else self.settings.memory_mb << 20
        process = self.ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child, cap), daemon=True, name="run_pool-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent, time.monotonic() + START_TIMEOUT_S)
        self.workers.append(worker)
        try:
            parent.send_bytes(self.work_bytes)
        except OSError:
            worker.broken = True

    def _service(self, w: _Worker) -> Done[R]:
        """Read what ``w`` sent, then enforce its deadline and notice its death."""
        out: Done[R] = []
        while not w.broken:
            try:
                if not w.conn.poll():
                    break
                msg = w.conn.recv()
            except (EOFError, OSError):
                w.broken = True
                break
            if msg[0] == "ready":
                w.ready, w.deadline = True, None
            elif msg[0] == "start_failed":
                raise WorkerStartError(msg[1])
            else:
                result = _outcome(msg[0], msg[2])
                out.append((msg[1], result))
                w.index, w.deadline = None, None
                if isinstance(result, ItemFailed) and result.kind == "memory":
                    self._drop(w, kill=False)  # it exits by itself: a heap at its cap is spent
                    return out
        if w.process.exitcode is None and not w.broken:
            if w.deadline is not None and time.monotonic() >= w.deadline:
                self._drop(w, kill=True)
                if not w.ready:
                    raise WorkerStartError(f"a worker did not start within {START_TIMEOUT_S:g} s")
                assert w.index is not None
                out.append((w.index, ItemFailed("timeout", f"still running "
                            f"{self.settings.timeout_s:g} s after it started; worker killed")))
            return out
        w.process.join(JOIN_GRACE_S)  # its pipe broke or it exited: learn how
        self._drop(w, kill=True)
        if not w.ready:
            raise WorkerStartError(f"a worker {_describe_exit(w.process.exitcode)} before it "
                                   f"was ready")
        if w.index is not None:
            out.append((w.index, _died(w.process.exitcode)))
        return out

    def _drop(self, w: _Worker, kill: bool) -> None:
        """Take ``w`` out of the pool: SIGKILL it, or tell it to exit (it is idle)."""
        self.workers.remove(w)
        if kill:
            w.process.kill()
        else:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        w.conn.close()
        self.retired.append(w.process)

    def _refill(self) -> None:
        """Replace dead workers while items wait; let idle ones go when none do."""
        idle = [w for w in self.workers if w.index is None]
        for _ in range(min(len(self.pending) - len(idle),
                           self.settings.workers - len(self.workers))):
            self._start()
        for w in idle if not self.pending else ():
            if w.ready:
                self._drop(w, kill=False)
        self.retired = [p for p in self.retired if p.exitcode is None]

    def _hand_out(self) -> Done[R]:
        """Give each idle ready worker the next item; an unpicklable item fails here."""
        out: Done[R] = []
        for w in self.workers:
            while w.ready and w.index is None and not w.broken and self.pending:
                index = self.pending.popleft()
                try:
                    payload = pickle.dumps(self.items[index], protocol=pickle.HIGHEST_PROTOCOL)
                    w.conn.send((index, payload))
                except OSError:  # it died idle: the item goes to its replacement
                    w.broken = True
                    self.pending.appendleft(index)
                except Exception as exc:
                    out.append((index, ItemFailed("error", f"the item could not be pickled: "
                                f"{type(exc).__name__}: {exc}", detail=traceback.format_exc())))
                else:
                    w.index = index
                    if self.settings.timeout_s is not None:
                        w.deadline = time.monotonic() + self.settings.timeout_s
        return out

    def shutdown(self, graceful: bool) -> None:
        """Stop every worker: ask idle ones to exit when all items are done, SIGKILL them
        otherwise; join each for a bounded time, SIGKILL what is left."""
        for w in list(self.workers):
            self._drop(w, kill=not graceful)
        deadline = time.monotonic() + JOIN_GRACE_S
        for p in self.retired:
            p.join(max(0.0, deadline - time.monotonic()))
        for p in self.retired:
            if p.exitcode is None:
                p.kill()
                p.join(JOIN_GRACE_S)
        self.retired.clear()


def _outcome(status: str, body: Any) -> Any:
    """What a worker's reply for an item means: the unpickled result or an ``ItemFailed``."""
    if status == "failed":
        kind, message, detail = body
        return ItemFailed(kind, message, detail=detail)
    try:
        return pickle.loads(body)
    except Exception as exc:
        return ItemFailed("error", f"the result could not be unpickled: "
                          f"{type(exc).__name__}: {exc}", detail=traceback.format_exc())


def _describe_exit(code: int | None) -> str:
    if code is None or code >= 0:
        return "did not exit" if code is None else f"exited with code {code}"
    name = f"signal {-code}"
    with contextlib.suppress(ValueError):
        name = signal.Signals(-code).name
    return f"was killed by {name} ({-code})"


def _died(code: int | None) -> ItemFailed:
    """The failure for an item whose worker died under it (not killed by the pool)."""
    if code == -signal.SIGKILL:
        return ItemFailed("memory", "its worker was killed by SIGKILL, most likely by the "
                          "kernel's out-of-memory killer", exitcode=code)
    return ItemFailed("crashed", f"its worker {_describe_exit(code)}", exitcode=code)


# --- the worker side -----------------------------------------------------------------------


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the process that started it dies.

    That is the forkserver for forkserver workers: dropping our copy of its "alive" pipe lets
    it exit as soon as the pool's process is gone, instead of living as long as its children."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def _vm_size() -> int | None:
    """This process's mapped address space in bytes (Linux), for the start-up check."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) << 10
    return None


def _worker_main(conn: Connection, cap: int | None) -> None:
    """Receive ``work``, cap memory, say ready, then run one item at a time until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    for name in _THREAD_ENV:
        os.environ.setdefault(name, "1")
    try:
        work = pickle.loads(conn.recv_bytes())
    except EOFError:
        return
    except BaseException as exc:
        conn.send(("start_failed", f"the worker cannot load work: {type(exc).__name__}: {exc}"))
        return
    if cap is not None:
        size = _vm_size()
        if size is not None and size >= cap:
            conn.send(("start_failed", f"the worker maps {size >> 20} MB after its imports, "
                       f"more than memory_mb={cap >> 20}"))
            return
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        cap = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    conn.send(("ready",))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, payload = msg
        status, body = _run_one(work, payload, cap)
        try:
            conn.send((status, index, body))
        except OSError:
            return
        if status == "failed" and body[0] == "memory":
            return  # a heap that hit its cap is no place for the next item


def _run_one(work: Callable[[Any], object], payload: bytes, cap: int | None) -> tuple[str, Any]:
    """``("done", pickled result)`` or ``("failed", (kind, message, traceback))``."""
    try:
        return "done", pickle.dumps(work(pickle.loads(payload)),
                                    protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError as exc:
        detail = ""
        with contextlib.suppress(MemoryError):
            detail = traceback.format_exc()
        limit = "no" if cap is None else f"the {cap >> 20} MB"
        return "failed", ("memory", f"MemoryError under {limit} address-space cap"
                          + (f": {exc}" if str(exc) else ""), detail)
    except BaseException as exc:  # SystemExit / KeyboardInterrupt from work cost its item only
        return "failed", ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())
