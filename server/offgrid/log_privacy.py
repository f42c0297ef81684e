"""Keeping source text out of the logs: other libraries' log records (pygls logs whole messages when a handler
fails, and a message can carry a document's text) lose their arguments unless the user turned on
`logSourceText`. offgrid's own records never hold source text except under that setting."""

import logging
import re

_SIMPLE = re.compile(r"[\w/$.:-]{0,80}")  # message ids, method names, error codes: never source text
WITHHELD = "<withheld: set logSourceText to log message contents>"


class SourceTextFilter(logging.Filter):
    """A handler filter: records from loggers outside offgrid keep only their numbers and short identifiers."""

    def __init__(self) -> None:
        super().__init__()
        self.allow = False  # the `logSourceText` setting

    def filter(self, record: logging.LogRecord) -> bool:
        if self.allow or record.name == "offgrid" or record.name.startswith("offgrid."):
            return True
        if isinstance(record.args, dict):
            record.args = {k: _redact(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_redact(a) for a in record.args)
        else:
            record.msg = _redact_message(str(record.msg))
        return True


def _redact(arg: object) -> object:
    if arg is None or isinstance(arg, bool | int | float):
        return arg
    if isinstance(arg, str) and _SIMPLE.fullmatch(arg):
        return arg
    return WITHHELD


def _redact_message(msg: str) -> str:
    """A message built before logging (f-strings): its first line up to any quote or brace, where data starts."""
    head = re.split(r"[\"'{\[\n]", msg, maxsplit=1)[0].rstrip()
    return f"{head} {WITHHELD}" if head != msg else msg


_FILTER = SourceTextFilter()


def install(handler: logging.Handler) -> None:
    """Filter a handler's records (the CLI's stderr handler)."""
    handler.addFilter(_FILTER)


def allow_source_text(allow: bool) -> None:
    """Apply the `logSourceText` setting: let other libraries' records through whole, and pygls log every
    message it receives (which includes the documents' text) at the chosen level."""
    _FILTER.allow = allow
    logging.getLogger("pygls").setLevel(logging.NOTSET if allow else logging.WARNING)


def source_text_allowed() -> bool:
    """Whether offgrid may log source text (prompts, suggestions, action answers)."""
    return _FILTER.allow
