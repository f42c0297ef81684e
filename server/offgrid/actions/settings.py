"""Settings of the code actions (the `actions` section of offgrid's settings)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSettings:
    """Limits and scheduling for code actions."""

    max_selection_lines: int = 500  # larger selections are refused with a message
    max_tokens: int = 512  # longest answer
    max_prompt_tokens: int = 4096  # a longer prompt (a huge function, a long selection) is refused with a message
    context_lines: int = 20  # lines before the code shown to the model as context
    preempt: bool = True  # completions stop a running action between tokens; it resumes afterwards
    message_chars: int = 240  # explanations up to this long are a message, longer ones a markdown document
