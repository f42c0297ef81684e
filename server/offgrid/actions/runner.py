"""Running a planned action on the model worker, resumably: a completion may preempt it, and the next call goes
on with the answer. The model call is the only part that differs between the in-process model and a model server
(ActionModel); planning, stop rules and turning the answer into an edit are the same for both."""

import threading
from dataclasses import replace
from typing import Protocol

from offgrid.actions.body import plan_body
from offgrid.actions.docstring import plan_docstring
from offgrid.actions.explain import plan_explain
from offgrid.actions.plan import Plan
from offgrid.actions.request import ActionKind, ActionRequest, ActionResult
from offgrid.actions.rewrite import plan_fix, plan_rewrite
from offgrid.config import ActionSettings
from offgrid.engine.generation import Generation
from offgrid.errors import ActionRefused, Cancelled

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


class ActionModel(Protocol):
    """Where an action's answer comes from (LocalActionModel, RemoteActionModel)."""

    def generate(self, plan: Plan, cancel: threading.Event) -> Generation:
        """Go on with the answer until the plan's stop rule, its token budget, or `cancel`."""
        ...

    def answer(self) -> str:
        """The answer so far: the text that follows the plan's prefill."""
        ...

    def generated(self) -> int:
        """Tokens generated for the answer so far."""
        ...

    def prompt_tokens(self) -> int:
        """The prompt's length in tokens (0 when unknown)."""
        ...


def check_region(result: ActionResult, plan: Plan) -> None:
    """Refuse an edit that reaches outside the code the action was asked to change."""
    edit, region = result.edit, plan.region
    if edit is not None and (region is None or not region[0] <= edit.start <= edit.end <= region[1]):
        raise ActionRefused("the edit reached outside the code the action was asked to change, so it was dropped")


class ActionRun:
    """One action's generation. `step` runs on the worker; after a preemption it is called again and resumes.
    It returns the result, or None when cancelled."""

    def __init__(self, model: ActionModel, plan: Plan) -> None:
        self.model, self.plan = model, plan
        self.generations: list[Generation] = []
        self.result: ActionResult | None = None

    def step(self, cancel: threading.Event) -> ActionResult | None:
        """Generate until the answer ends, the action is cancelled, or it is preempted (then it returns None and
        the worker calls it again)."""
        if self.result is not None:
            return self.result
        gen = self.model.generate(self.plan, cancel)
        self.generations.append(gen)
        if gen.stop_reason == "context_full":
            raise ActionRefused("the code is too long for the model's context")
        if gen.stop_reason == "cancelled":
            if cancel.is_set():
                return None
            raise Cancelled("the action stopped")
        answer = self.model.answer()
        rule = self.plan.stop
        cut = rule(answer) if rule is not None else None
        if cut is None and gen.stop_reason == "max_tokens" and self.plan.must_end:
            n = self.model.generated()
            raise ActionRefused(f"the answer was cut off after {n} tokens (setting actions.maxTokens)")
        result = self.plan.finish(answer if cut is None else answer[:cut])
        check_region(result, self.plan)
        self.result = result
        return result

    def summary(self) -> dict[str, float]:
        """Tokens and time spent, over all its runs."""
        g = self.generations
        return {
            "runs": len(g),
            "promptTokens": self.model.prompt_tokens(),
            "evaluated": sum(x.n_evaluated for x in g),
            "generated": self.model.generated(),
            "promptMs": round(sum(x.prompt_ms for x in g), 1),
            "generateMs": round(sum(x.generate_ms for x in g), 1),
        }
