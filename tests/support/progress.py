"""A Progress that remembers what it was told, for tests of model fetching."""


class Recording:
    """Records every update and finish call."""

    def __init__(self):
        self.updates: list[tuple[str, int, int]] = []
        self.finished: list[str] = []

    def update(self, message: str, done: int, total: int) -> None:
        self.updates.append((message, done, total))

    def finish(self, message: str) -> None:
        self.finished.append(message)
