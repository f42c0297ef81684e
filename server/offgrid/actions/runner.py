"""Running a planned action on the model worker, resumably: a completion may preempt it between tokens, and the
next call continues from the tokens already generated (their KV stays cached in the action's sequence)."""

import threading
from dataclasses import replace

from offgrid.actions.body import plan_body
from offgrid.actions.docstring import plan_docstring
from offgrid.actions.explain import plan_explain
from offgrid.actions.plan import Plan
from offgrid.actions.request import ActionKind, ActionRequest, ActionResult
from offgrid.actions.rewrite import plan_fix, plan_rewrite
from offgrid.actions.settings import ActionSettings
from offgrid.engine.chat import chat_prompt_ids
from offgrid.engine.generation import Generation, GenerationRequest
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.errors import ActionRefused, Cancelled

ACTION_SLOT = "action"  # one KV sequence for actions, apart from the documents' caches

_PLANNERS = {
    ActionKind.REWRITE: plan_rewrite,
    ActionKind.FIX: plan_fix,
    ActionKind.DOCSTRING: plan_docstring,
    ActionKind.COMPLETE_BODY: plan_body,
    ActionKind.EXPLAIN: plan_explain,
}


def plan_action(req: ActionRequest, settings: ActionSettings) -> Plan:
    """The plan for a request; raises ActionRefused, with the reason, for input it cannot work on."""
    return replace(_PLANNERS[req.kind](req, settings), max_prompt_tokens=settings.max_prompt_tokens)


def prompt_ids(model: Model, plan: Plan) -> list[int]:
    """The chat prompt where the GGUF has a template, else a fill-in-the-middle prompt, else the prefix alone."""
    chat = chat_prompt_ids(model, [("system", plan.system), ("user", plan.user)])
    if chat is not None:
        return chat + model.tokenize(plan.prefill)
    bos = [model.bos] if model.add_bos and model.bos >= 0 else []
    pre, suf, fim = model.tokenize(plan.fim_prefix), model.tokenize(plan.fim_suffix), model.fim
    if fim is None:
        return bos + pre
    if fim.spm:
        return bos + [fim.suffix] + suf + [fim.prefix] + pre
    return bos + [fim.prefix] + pre + [fim.suffix] + suf + ([fim.middle] if fim.middle is not None else [])


def check_region(result: ActionResult, plan: Plan) -> None:
    """Refuse an edit that reaches outside the code the action was asked to change."""
    edit, region = result.edit, plan.region
    if edit is not None and (region is None or not region[0] <= edit.start <= edit.end <= region[1]):
        raise ActionRefused("the edit reached outside the code the action was asked to change, so it was dropped")


class ActionRun:
    """One action's generation. `step` runs on the worker; after a preemption it is called again and resumes.
    It returns the result, or None when cancelled."""

    def __init__(self, engine: LlamaEngine, plan: Plan) -> None:
        self.engine, self.plan = engine, plan
        self.prompt: list[int] | None = None
        self.ids: list[int] = []
        self.generations: list[Generation] = []
        self.result: ActionResult | None = None

    def text(self) -> str:
        """The answer so far."""
        data = b"".join(self.engine.model.piece(t) for t in self.ids)
        return data.decode("utf-8", errors="replace")

    def step(self, cancel: threading.Event) -> ActionResult | None:
        """Generate until the answer ends, the action is cancelled, or it is preempted (then it returns None and
        the worker calls it again)."""
        if self.result is not None:
            return self.result
        if self.prompt is None:
            prompt = prompt_ids(self.engine.model, self.plan)
            cap = self.plan.max_prompt_tokens
            if cap is not None and len(prompt) > cap:
                raise ActionRefused(
                    f"the code to send the model is {len(prompt)} tokens; actions take at most {cap} "
                    "(setting actions.maxPromptTokens)"
                )
            self.prompt = prompt
        done_text = self.text()
        rule = self.plan.stop

        def stop(new: str) -> int | None:  # the plan's rule sees the whole answer; the engine, this run's part
            cut = rule(done_text + new) if rule is not None else None
            return None if cut is None else max(0, cut - len(done_text))

        gen = self.engine.generate(
            GenerationRequest(
                prompt=tuple(self.prompt + self.ids),
                slot=ACTION_SLOT,
                max_tokens=self.plan.max_tokens - len(self.ids),
                stop=stop,
            ),
            cancel,
        )
        self.generations.append(gen)
        self.ids.extend(gen.tokens)
        if gen.stop_reason == "context_full":
            raise ActionRefused("the code is too long for the model's context")
        if gen.stop_reason == "cancelled":
            if cancel.is_set():
                return None
            raise Cancelled("the action stopped")
        answer = self.text()
        cut = rule(answer) if rule is not None else None
        if cut is None and gen.stop_reason == "max_tokens" and self.plan.must_end:
            raise ActionRefused(f"the answer was cut off after {len(self.ids)} tokens (setting actions.maxTokens)")
        result = self.plan.finish(answer if cut is None else answer[:cut])
        check_region(result, self.plan)
        self.result = result
        return result

    def summary(self) -> dict[str, float]:
        """Tokens and time spent, over all its runs."""
        g = self.generations
        return {
            "runs": len(g),
            "promptTokens": len(self.prompt or ()),
            "evaluated": sum(x.n_evaluated for x in g),
            "generated": len(self.ids),
            "promptMs": round(sum(x.prompt_ms for x in g), 1),
            "generateMs": round(sum(x.generate_ms for x in g), 1),
        }
