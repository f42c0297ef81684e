"""Loaded by the server under test through PYTHONPATH: refuses, and records to $OFFGRID_AUDIT_LOG, every attempt
to reach a network, run a program, or write a file, made by Python code anywhere in the process (offgrid, pygls,
llama-cpp-python, any library). asyncio's own wake-up socket pair (AF_UNIX, never connected) is allowed.
$OFFGRID_AUDIT_ALLOW ("HOST:PORT") lets connections to that one address through, still recorded: the remote
backend test checks that nothing else is contacted."""

import json
import os
import socket
import sys
import threading

_fd = os.open(os.environ["OFFGRID_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
_busy = threading.local()
_NETWORK = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo"}
_NETWORK |= {"socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "http.client.connect"}
_NETWORK |= {"urllib.Request", "ftplib.connect", "smtplib.connect", "telnetlib.Telnet.open"}
_PROGRAMS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_host, _, _port = os.environ.get("OFFGRID_AUDIT_ALLOW", "").rpartition(":")
_ALLOWED = (_host, int(_port)) if _port else None


def _allowed(event: str, args: tuple) -> bool:
    """Sockets, lookups and connections for the one allowed address (the configured model server)."""
    if _ALLOWED is None:
        return False
    if event == "socket.__new__":
        return True  # the connect that follows is what is checked
    if event == "socket.connect":
        addr = args[1]
        return isinstance(addr, tuple) and addr[0] == _ALLOWED[0] and addr[1] == _ALLOWED[1]
    if event == "socket.getaddrinfo":
        return args[0] in (_ALLOWED[0], _ALLOWED[0].encode()) and args[1] in (_ALLOWED[1], str(_ALLOWED[1]))
    return False


def _note(kind: str, event: str, detail: object) -> None:
    line = json.dumps({"kind": kind, "event": event, "detail": repr(detail)[:300]}) + "\n"
    os.write(_fd, line.encode())


def _hook(event: str, args: tuple) -> None:
    if getattr(_busy, "on", False):
        return
    _busy.on = True
    try:
        if _allowed(event, args):
            _note("allowed", event, args[1:] if event.startswith("socket.") else args)
        elif event == "socket.__new__":
            family = args[1]
            if family != socket.AF_UNIX:
                _note("network", event, args[1:])
                raise PermissionError(f"offgrid privacy test: socket {args[1:]} refused")
        elif event in _NETWORK:
            _note("network", event, args[1:] if event.startswith("socket.") else args)
            raise PermissionError(f"offgrid privacy test: {event} refused")
        elif event in _PROGRAMS:
            _note("program", event, args)
            raise PermissionError(f"offgrid privacy test: {event} refused")
        elif event == "open" and len(args) >= 3 and isinstance(args[0], str | bytes):
            path, mode, flags = args
            writes = (mode and any(c in str(mode) for c in "wax+")) or (isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writes and str(path) != "/dev/null":
                _note("write", event, path)
    finally:
        _busy.on = False


sys.addaudithook(_hook)
