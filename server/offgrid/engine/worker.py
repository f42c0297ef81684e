"""One thread owns the model (llama.cpp contexts are not thread-safe); jobs queue for it.

A newer job for the same key (a document) supersedes older ones: queued ones are dropped before they
start, and a running one is told to stop, because its answer is for text the user has already changed.
A `preemptible` job (a code action) is stopped when more urgent work arrives and queued again in its old
place; its fn must resume where it stopped when called again.
"""

import contextlib
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from typing import Any

from offgrid.errors import Cancelled, OffgridError

log = logging.getLogger(__name__)

PRIORITY_COMPLETION = 0  # typing must never wait behind slower work
PRIORITY_ACTION = 10
PRIORITY_PREFETCH = 15  # the next suggestion, wanted the moment the user accepts the shown one
PRIORITY_BACKGROUND = 20  # cache upkeep; like prefetch, dropped or stopped as soon as real work arrives


def _fail(future: Future, error: BaseException) -> None:
    """Fail a job's future unless it is already done: the LSP side cancels the futures of cancelled requests,
    from its own thread, at any moment (a check before setting would race with it)."""
    with contextlib.suppress(InvalidStateError):
        future.set_exception(error)


def _succeed(future: Future, result: Any) -> None:
    with contextlib.suppress(InvalidStateError):
        future.set_result(result)


@dataclass(order=True)
class Job:
    """A unit of work for the model thread; `fn` receives the job's cancel event and should check it often."""

    priority: int
    order: int
    key: str = field(compare=False)
    fn: Callable[[threading.Event], Any] = field(compare=False)
    cancel_event: threading.Event = field(compare=False, default_factory=threading.Event)
    future: Future = field(compare=False, default_factory=Future)
    background: bool = field(compare=False, default=False)
    preemptible: bool = field(compare=False, default=False)
    cancelled: bool = field(compare=False, default=False)  # by its owner: never resumed
    preempted: bool = field(compare=False, default=False)  # by more urgent work: resumed afterwards

    def makes_stale(self, other: "Job", supersede: bool) -> bool:
        """A newer job replaces older ones for its key (when superseding); real work displaces speculation."""
        return (supersede and other.key == self.key) or (not self.background and other.background)

    def cancel(self) -> None:
        """Stop the job: before it starts it never runs; while running its fn sees the event."""
        self.cancelled = True
        self.cancel_event.set()

    def preempt(self) -> None:
        """Stop the job's current run (its fn sees the event); the worker queues it again."""
        self.preempted = True
        self.cancel_event.set()


class Worker:
    """Runs jobs one at a time on a dedicated thread, lowest priority number first, oldest first."""

    def __init__(self, name: str = "offgrid-model") -> None:
        self._queue: list[Job] = []
        self._running: Job | None = None
        self._cv = threading.Condition()
        self._counter = itertools.count()
        self._stopped = False
        self.dropped = 0  # superseded before starting
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(
        self,
        key: str,
        fn: Callable[[threading.Event], Any],
        priority: int = PRIORITY_COMPLETION,
        supersede: bool = True,
        background: bool = False,
        preemptible: bool = False,
    ) -> Job:
        """Queue `fn`; with `supersede`, older jobs with the same key are cancelled. Any job that is not
        `background` also cancels background jobs, queued or running, and preempts a running `preemptible`
        job of a lower priority."""
        job = Job(priority, next(self._counter), key, fn, background=background, preemptible=preemptible)
        with self._cv:
            if self._stopped:
                _fail(job.future, Cancelled("the model worker has stopped"))
                return job
            for old in [j for j in self._queue if job.makes_stale(j, supersede)]:
                self._queue.remove(old)
                old.cancel()
                _fail(old.future, Cancelled("superseded by a newer request"))
                self.dropped += 1
            if self._running is not None and job.makes_stale(self._running, supersede):
                self._running.cancel()
            elif self._running is not None and self._running.preemptible and job.priority < self._running.priority:
                self._running.preempt()
            self._queue.append(job)
            self._queue.sort()
            self._cv.notify()
        return job

    def _loop(self) -> None:
        while True:
            with self._cv:
                while not self._queue and not self._stopped:
                    self._cv.wait()
                if self._stopped:
                    return
                job = self._queue.pop(0)
                self._running = job
                if job.preempted:  # resumed: forget the preemption (a cancel sets `cancelled` first, checked below)
                    job.preempted = False
                    job.cancel_event.clear()
            try:
                if job.cancelled or job.cancel_event.is_set():
                    raise Cancelled("cancelled before it started")
                result = job.fn(job.cancel_event)
                if self._requeue_if_preempted(job):
                    continue
            except BaseException as e:  # the thread must survive anything a job raises
                if isinstance(e, OffgridError):  # expected: a message for the user, no traceback
                    log.debug("model job %s stopped: %s", job.key, e)
                else:
                    log.exception("model job %s failed", job.key)
                _fail(job.future, e)
            else:
                _succeed(job.future, result)
            finally:
                with self._cv:
                    self._running = None

    def _requeue_if_preempted(self, job: Job) -> bool:
        """Put a preempted job back in its old place (its order number is kept); a cancel wins over a preempt."""
        with self._cv:
            if not job.preempted or job.cancelled or self._stopped:
                return False
            self._queue.append(job)
            self._queue.sort()
            self._running = None
            return True

    def stop(self) -> None:
        """Cancel everything and end the thread."""
        with self._cv:
            self._stopped = True
            for job in self._queue:
                job.cancel()
                _fail(job.future, Cancelled("the model worker has stopped"))
            self._queue.clear()
            if self._running is not None:
                self._running.cancel()
            self._cv.notify_all()
        self._thread.join(timeout=5)
