"""The resident model: resolved (fetched if it is a preset), loaded once, and driven by one worker thread.

Both `offgrid serve` and `offgrid complete` go through a ModelHost, so the CLI prints exactly what the
server would show.
"""

import logging
import threading
from concurrent.futures import Future
from enum import Enum
from pathlib import Path

from offgrid.actions.local_model import LocalActionModel
from offgrid.actions.plan import Plan
from offgrid.actions.remote_model import RemoteActionModel
from offgrid.actions.request import ActionResult
from offgrid.actions.runner import ActionModel, ActionRun
from offgrid.complete.pipeline import Completer
from offgrid.complete.request import CompletionRequest, Suggestion
from offgrid.config import Settings
from offgrid.context.service import ContextService
from offgrid.engine.backends.http_backend import HttpBackend
from offgrid.engine.backends.remote import make_remote_backend
from offgrid.engine.generation import Generation
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.engine.worker import (
    PRIORITY_ACTION,
    PRIORITY_BACKGROUND,
    PRIORITY_COMPLETION,
    PRIORITY_PREFETCH,
    Job,
    Worker,
)
from offgrid.errors import ActionRefused, ModelError, OffgridError
from offgrid.models.progress import Progress, SilentProgress
from offgrid.models.resolve import resolve_model

log = logging.getLogger(__name__)


class HostState(Enum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


_llama_log: dict = {"verbose": False, "last": 0, "callback": None}


def quiet_llama(verbose: bool) -> None:
    """llama.cpp logs every tensor at load, and warnings about the file ("control-looking token") that users can do
    nothing about: stderr gets them only when debugging, errors always. llama-cpp-python's own callback reads
    ggml's levels (DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5) one off and prints every warning as an error."""
    import ctypes
    import sys

    import llama_cpp._logger

    llama_cpp._logger.set_verbose(verbose)
    _llama_log["verbose"] = verbose
    if _llama_log["callback"] is None:

        @llama_cpp.llama_log_callback
        def callback(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
            level = _llama_log["last"] if level == 5 else level  # CONT goes on with the line before
            _llama_log["last"] = level
            if _llama_log["verbose"] or level >= 4:
                print(text.decode("utf-8", errors="replace"), end="", flush=True, file=sys.stderr)

        _llama_log["callback"] = callback  # kept alive: llama.cpp holds only the C pointer
        llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


class ModelHost:
    """Owns the model, its engine and the worker thread. Loading happens on the worker, off the caller's thread."""

    def __init__(
        self, settings: Settings, progress: Progress | None = None, context: ContextService | None = None
    ) -> None:
        self.settings = settings  # the caller's resolved settings (the language server's own object), not a copy
        self.context = context
        self.state = HostState.LOADING
        self.error: str | None = None
        self.model: Model | None = None
        self.completer: Completer | None = None
        self.notices: list[str] = []  # warnings for the user, shown once (plain http to another machine, ...)
        self.file_notice: str | None = None  # what happened to the model file after loading, once seen
        self.worker = Worker()
        self.ready = threading.Event()
        self._actions: list[Job] = []
        self.warmed = 0  # warm-ups that ran to the end (submit_warm)
        self._progress = progress or SilentProgress()
        self.loaded: Future = self.worker.submit("load", self._load, supersede=False).future

    def _load(self, _cancel: threading.Event) -> None:
        if self.settings.backend != "local":
            return self._load_remote()
        quiet_llama(self.settings.debug)
        try:
            e = self.settings.engine
            path = resolve_model(self.settings.model_choice(), self._progress, e.gpu_layers)
            self.model = Model(
                Path(path),
                n_ctx=e.context_size,
                n_threads=e.threads,
                n_seq_max=e.documents + 3,
                mmap=e.mmap,
                n_gpu_layers=e.gpu_layers,
            )
            engine = LlamaEngine(
                self.model, min_chunk=e.min_reuse_chunk, reuse=e.cache_reuse, windows_per_slot=e.windows_per_document
            )
            engine.vocab_index()  # now, not on the first keystroke
            self.completer = Completer(engine, self.settings.completion, self.context)
            self.state = HostState.READY
            log.info(
                "model ready: %s (%s, FIM %s)",
                path,
                self.model.info.description,
                self.model.fim.name if self.model.fim else "none",
            )
        except OffgridError as err:
            self.state, self.error = HostState.FAILED, str(err)
            log.error("model not loaded: %s", err)
        except Exception as err:  # anything llama.cpp throws must not kill the server
            self.state, self.error = HostState.FAILED, f"could not load the model: {err}"
            log.exception("model load failed")
        finally:
            self.ready.set()

    def _load_remote(self) -> None:
        """A model server instead of a local model: nothing is loaded or downloaded here."""
        try:
            backend, self.notices = make_remote_backend(
                self.settings.backend, self.settings.remote, self.settings.preset
            )
            self.completer = Completer(backend, self.settings.completion, self.context)
            self.state = HostState.READY
            log.info("remote backend ready: %s", backend.describe())
            for notice in self.notices:
                log.warning("%s", notice)
        except OffgridError as err:
            self.state, self.error = HostState.FAILED, str(err)
            log.error("remote backend not set up: %s", err)
        except Exception as err:  # a bad setting must not kill the server
            self.state, self.error = HostState.FAILED, f"could not set up the remote backend: {err}"
            log.exception("remote backend set-up failed")
        finally:
            self.ready.set()

    def submit_completion(self, req: CompletionRequest) -> Job:
        """Queue a completion; a newer one for the same document supersedes it."""
        return self.worker.submit(req.slot, lambda cancel: self._complete(req, cancel), PRIORITY_COMPLETION)

    def submit_prefetch(self, req: CompletionRequest) -> Job:
        """Queue a speculative completion; any real request stops it."""
        return self.worker.submit(
            "prefetch", lambda cancel: self._complete(req, cancel), PRIORITY_PREFETCH, background=True
        )

    def submit_warm(self, req: CompletionRequest) -> Job:
        """Queue, for idle time, the evaluation of the prompt at `req`'s cursor (completer.warm); any real request
        stops it and keeps what it finished, and a newer warm-up for the document replaces it."""
        return self.worker.submit(
            f"warm {req.slot}", lambda cancel: self._warm(req, cancel), PRIORITY_BACKGROUND, background=True
        )

    def _warm(self, req: CompletionRequest, cancel: threading.Event) -> Generation | None:
        self.check_model_file()
        if self.completer is None:
            return None
        gen = self.completer.warm(req, cancel)
        if gen is not None and gen.stop_reason != "cancelled":
            self.warmed += 1
        if gen is not None:
            log.debug(
                "warmed %s: %d of %d prompt tokens evaluated in %.0f ms (%s)",
                req.slot,
                gen.n_evaluated,
                gen.n_prompt,
                gen.prompt_ms,
                gen.stop_reason,
            )
            if self.completer.backend.needs_repair(req.slot):
                self._submit_repair(req.slot)
        return gen

    def start_action(self, plan: Plan) -> tuple[ActionRun, Job]:
        """Queue a code action behind completions; with `actions.preempt`, a completion stops it between tokens
        and it resumes afterwards."""
        if self.completer is None:
            raise ModelError(self.error or "the model is not loaded yet")
        self.check_model_file()
        run = ActionRun(self._action_model(), plan)

        def step(cancel: threading.Event) -> ActionResult | None:
            self.check_model_file()  # each resumption too: the file may change while the action waits
            return run.step(cancel)

        job = self.worker.submit(
            f"action-{id(run)}", step, PRIORITY_ACTION, supersede=False, preemptible=self.settings.actions.preempt
        )
        self._actions = [j for j in self._actions if not j.future.done()] + [job]
        return run, job

    def _action_model(self) -> ActionModel:
        """The in-process model, or the model server's chat endpoint."""
        assert self.completer is not None
        if self.completer.engine is not None:
            return LocalActionModel(self.completer.engine)
        backend = self.completer.backend
        if isinstance(backend, HttpBackend):
            return RemoteActionModel(backend)
        raise ActionRefused(f"code actions are not available with the {backend.name} backend")

    def actions_running(self) -> int:
        """Actions queued or on the model (a cancelled one counts until the model has stopped it)."""
        return sum(not j.future.done() for j in self._actions)

    def check_model_file(self) -> None:
        """Notice when the loaded model's file is deleted or changed. Weights read into memory keep serving; mapped
        weights must not be touched again (a truncated mapping kills the process), so the model is put out of use."""
        if self.model is None or self.file_notice is not None:
            if self.state is HostState.FAILED:
                raise ModelError(self.error or "the model is not loaded")
            return
        problem = self.model.file_problem()
        if problem is None:
            return
        path = self.model.path
        if not self.model.mmap:
            self.file_notice = (
                f"the model file {path} {problem} after loading; offgrid keeps serving the copy in memory "
                "until it restarts"
            )
            log.warning("%s", self.file_notice)
            return
        self.state, self.completer = HostState.FAILED, None
        self.error = self.file_notice = (
            f"the model file {path} {problem} while memory-mapped (engine.mmap); suggestions are off until offgrid "
            "restarts with a complete model file"
        )
        log.error("%s", self.error)
        raise ModelError(self.error)

    def _complete(self, req: CompletionRequest, cancel: threading.Event) -> Suggestion:
        self.check_model_file()
        if self.completer is None:
            raise ModelError(self.error or "the model is not loaded yet")
        suggestion = self.completer.complete(req, cancel)
        if self.completer.backend.needs_repair(req.slot):
            self._submit_repair(req.slot)
        return suggestion

    def _submit_repair(self, slot: str) -> Job:
        """Once the user pauses, recompute the shifted part of a document's cache. Any real request stops it; a
        prefetch pauses it (the repair is preemptible and keeps what it finished), because the next suggestion
        is wanted sooner than exact keys."""
        delay = self.settings.engine.repair_idle_ms / 1000

        def repair(cancel: threading.Event) -> int:
            if cancel.wait(delay):  # typing goes on: leave the cache as it is
                return 0
            self.check_model_file()
            assert self.completer is not None
            return self.completer.backend.repair(slot, cancel)

        return self.worker.submit(f"repair {slot}", repair, PRIORITY_BACKGROUND, background=True, preemptible=True)

    def close(self) -> None:
        """Stop the worker and free the model (or close the remote connections)."""
        self.worker.stop()
        if self.completer is not None and self.completer.engine is None:
            self.completer.backend.close()
        if self.model is not None:
            self.model.close()
            self.model = None
