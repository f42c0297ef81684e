"""Actions on the in-process model: the prompt as token ids (the GGUF's chat template, or fill-in-the-middle for
base models), generated on the action's own KV sequence, so a preempted action resumes exactly where it stopped."""

import threading

from offgrid.actions.plan import Plan, continuing
from offgrid.engine.chat import chat_prompt_ids
from offgrid.engine.generation import Generation, GenerationRequest
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model
from offgrid.errors import ActionRefused

ACTION_SLOT = "action"  # one KV sequence for actions, apart from the documents' caches


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


class LocalActionModel:
    """The answer as token ids; each run goes on from the tokens so far (their KV is still cached)."""

    def __init__(self, engine: LlamaEngine) -> None:
        self.engine = engine
        self.prompt: list[int] | None = None
        self.ids: list[int] = []

    def answer(self) -> str:
        """The answer so far (what follows the plan's prefill)."""
        data = b"".join(self.engine.model.piece(t) for t in self.ids)
        return data.decode("utf-8", errors="replace")

    def generated(self) -> int:
        return len(self.ids)

    def prompt_tokens(self) -> int:
        return len(self.prompt or ())

    def generate(self, plan: Plan, cancel: threading.Event) -> Generation:
        """Go on with the answer until the plan's stop rule, its token budget, or `cancel`."""
        if self.prompt is None:
            prompt = prompt_ids(self.engine.model, plan)
            cap = plan.max_prompt_tokens
            if cap is not None and len(prompt) > cap:
                raise ActionRefused(
                    f"the code to send the model is {len(prompt)} tokens; actions take at most {cap} "
                    "(setting actions.maxPromptTokens)"
                )
            self.prompt = prompt
        gen = self.engine.generate(
            GenerationRequest(
                prompt=tuple(self.prompt + self.ids),
                slot=ACTION_SLOT,
                max_tokens=plan.max_tokens - len(self.ids),
                stop=continuing(plan.stop, self.answer()),
            ),
            cancel,
        )
        self.ids.extend(gen.tokens)
        return gen
