"""`offgrid serve`: the language server, over stdio or loopback TCP."""

import logging
import sys

log = logging.getLogger(__name__)


def parse_host_port(value: str) -> tuple[str, int]:
    """'HOST:PORT' or ':PORT' or 'PORT' (host defaults to loopback)."""
    host, _, port = value.rpartition(":")
    if not port.isdigit():
        raise ValueError(f"--tcp wants HOST:PORT, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def run_serve(model: str | None, tcp: str | None) -> int:
    from offgrid.lsp.server import create_server

    server = create_server(cli_model=model)
    if tcp:
        try:
            host, port = parse_host_port(tcp)
        except ValueError as e:
            print(f"offgrid: {e}", file=sys.stderr)
            return 2
        if host not in ("127.0.0.1", "localhost", "::1"):
            log.warning("listening on %s: anyone who can reach it can read the code sent to it", host)
        return server.serve_tcp(host, port)
    return server.serve_stdio()
