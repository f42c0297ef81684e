"""Running the server where every network attempt is refused and recorded, in up to three layers:

1. an audit hook (`no_network/sitecustomize.py`) that refuses and records sockets, name lookups, programs
   started and files written by any Python code in the process;
2. a network namespace (`unshare -n`) with no interface but a downed loopback, so nothing, native code
   included, can reach anything;
3. `strace`, which records the network system calls and program starts of native code too.

Layers 2 and 3 are used where the machine has them (root, or user namespaces; the strace binary)."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

AUDIT_DIR = Path(__file__).parent / "no_network"
TRACED = "socket,connect,bind,listen,sendto,sendmsg,execve"


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def _strace_works() -> bool:
    """strace is installed and may trace here (containers can forbid ptrace)."""
    if shutil.which("strace") is None:
        return False
    probe = ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=socket", "-o", os.devnull, "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


@dataclass
class Sandbox:
    """Where the layers write; `launcher` and `env` go to running_server."""

    folder: Path
    layers: list[str] = field(default_factory=list)
    launcher: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)

    @property
    def audit_log(self) -> Path:
        return self.folder / "audit.jsonl"

    @property
    def stderr_log(self) -> Path:
        return self.folder / "stderr.log"

    @property
    def strace_log(self) -> Path:
        return self.folder / "strace.log"

    def audit(self) -> list[dict[str, str]]:
        """What the audit hook recorded."""
        if not self.audit_log.exists():
            return []
        return [json.loads(line) for line in self.audit_log.read_text().splitlines() if line.strip()]

    def traced(self) -> list[str]:
        """strace's lines for calls that reach out: sockets other than AF_UNIX pairs, connects, binds, and
        programs started after the server's own (the first execve is python itself)."""
        if "strace" not in self.layers:
            return []
        lines = [line for line in self.strace_log.read_text().splitlines() if "(" in line]
        execs = [line for line in lines if "execve(" in line][1:]  # the first is python itself
        reach = [line for line in lines if _reaches_out(line)]
        return execs + reach


def _reaches_out(line: str) -> bool:
    """A traced call that could reach another process or machine. Sends on an already connected socket with no
    address (asyncio waking its own loop through its socket pair) cannot."""
    if "sendto(" in line:
        return "NULL, 0" not in line
    if "sendmsg(" in line:
        return "msg_name=NULL" not in line and "msg_name" in line
    if "socket(" in line:
        return "AF_UNIX" not in line
    return any(f"{call}(" in line for call in ("connect", "bind", "listen"))


def sandbox(folder: Path, allow: str | None = None) -> Sandbox:
    """A sandbox writing its records under `folder`. `allow` ("HOST:PORT") keeps the network and lets the audit
    hook pass connections to that one address (the remote backend test); all else is still refused."""
    box = Sandbox(folder, ["audit-hook"])
    box.env = {
        **os.environ,
        "PYTHONPATH": str(AUDIT_DIR),
        "OFFGRID_AUDIT_LOG": str(box.audit_log),
        "PYTHONDONTWRITEBYTECODE": "1",  # no .pyc writes among the files written
        **({"OFFGRID_AUDIT_ALLOW": allow} if allow else {}),
    }
    launcher: list[str] = ["sh", "-c", 'exec "$@" 2>"$0"', str(box.stderr_log)]
    if allow is None and _unshare_works():
        box.layers.append("network-namespace")
        launcher += ["unshare", "-n"]
    if _strace_works():
        box.layers.append("strace")
        launcher += ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "signal=none", "-e", f"trace={TRACED}"]
        launcher += ["-o", str(box.strace_log)]
    box.launcher = tuple(launcher)
    return box
