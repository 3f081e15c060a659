"""Connecting to a Dask scheduler whose workers run this aipolicy (the sweep and the report).

:func:`connect` probes the address first (a failed :class:`distributed.Client` start leaves an
object that prints a traceback when collected), connects, waits for a first worker and checks
that every worker runs this aipolicy version. Each failure is one line naming
``--scheduler ADDR``, raised as the caller's error class.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Any

from aipolicy import __version__
from aipolicy.errors import AipolicyError

__all__ = ["CONNECT_TIMEOUT_S", "connect", "one_line", "worker_version"]

#: Seconds to reach the scheduler, and to wait for a first worker.
CONNECT_TIMEOUT_S = 10.0


def worker_version() -> str:
    """The aipolicy version of the process running this (called on each worker)."""
    return __version__


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (its type when it has none)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _refused(address: str, timeout: float) -> str | None:
    """Why a ``tcp://`` address cannot be a scheduler, when a plain connection already fails
    (nothing listens on the port, the name resolves to no host, no route, no answer within
    ``timeout``), else None (the connection opens, or the address is not ``tcp://``). Dask
    would retry a failed connection until ``timeout``; this answers at once, and a silent
    host costs ``timeout`` once, not twice."""
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme != "tcp":
        return None
    host, port = parse_host_port(location)
    if not 0 < int(port) < 65536:
        raise ValueError(f"port {port} is outside 1-65535")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except ConnectionRefusedError:
        return f"{host}:{port} refused the connection: nothing listens there"
    except socket.gaierror as exc:
        return f"the host name {host!r} does not resolve ({one_line(exc)})"
    except TimeoutError:
        return f"no answer from {host}:{port} within {timeout:g} s"
    except OSError as exc:
        return f"{host}:{port} cannot be reached ({one_line(exc)})"


def _probe(address: str, timeout: float) -> None:
    """Open and close one connection to ``address`` (raises OSError, ValueError, ...)."""
    from distributed.comm import connect as comm_connect
    from distributed.security import Security

    refused = _refused(address, timeout)
    if refused is not None:
        raise ConnectionRefusedError(refused)

    async def probe() -> None:
        args = Security().get_connection_args("client")
        comm = await comm_connect(address, timeout=timeout, **args)
        await comm.close()

    box: list[BaseException] = []

    def target() -> None:  # its own event loop, whatever loop the caller may be running
        try:
            asyncio.run(probe())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box.append(exc)

    thread = threading.Thread(target=target, name="aipolicy-dask-probe", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    if thread.is_alive():
        raise OSError(f"no answer within {timeout:g} s")
    if box:
        raise box[0]


def connect(address: str, error: type[AipolicyError], *, timeout: float = CONNECT_TIMEOUT_S,
            version: str = __version__, set_as_default: bool = False) -> Any:
    """A :class:`distributed.Client` of the scheduler at ``address``, its workers checked.

    Parameters
    ----------
    address : str
        ``tcp://HOST:8786``.
    error : AipolicyError subclass
        Raised (with ``field="scheduler"``) on any failure.
    timeout : float
        Seconds to reach the scheduler, and to wait for a first worker.
    version : str
        The version every worker must run (this aipolicy's).
    set_as_default : bool
        Make the client Dask's default (``as_completed`` and ``compute`` then find it).

    Raises
    ------
    error
        Malformed or unreachable address, no worker within ``timeout``, a worker that cannot
        run aipolicy or runs another version; the message names ``--scheduler ADDR``.
    """
    flag = f"--scheduler {address}"
    if not isinstance(address, str) or not address.strip():
        raise error("--scheduler: give the Dask scheduler's address, e.g. tcp://HOST:8786",
                    field="scheduler")
    try:
        _probe(address, timeout)
    except (ValueError, TypeError) as exc:
        raise error(f"{flag}: not a Dask scheduler address ({one_line(exc)}); expected e.g. "
                    "tcp://HOST:8786", field="scheduler") from None
    except ConnectionRefusedError as exc:
        raise error(f"{flag}: {one_line(exc)}, so aipolicy cannot reach the Dask scheduler; "
                    "is the address right and the scheduler running?", field="scheduler") from None
    except Exception as exc:
        raise error(f"{flag}: no Dask scheduler answered within {timeout:g} s "
                    f"({one_line(exc)}), so aipolicy cannot reach the Dask scheduler; is it "
                    "running and reachable?", field="scheduler") from None
    from distributed import Client

    try:
        client = Client(address, timeout=timeout, set_as_default=set_as_default)
    except Exception as exc:
        raise error(f"{flag}: cannot connect to the Dask scheduler ({one_line(exc)})",
                    field="scheduler") from None
    try:
        _check_workers(client, flag, error, timeout, version)
    except BaseException:
        with contextlib.suppress(Exception):
            client.close()
        raise
    return client


def _check_workers(client: Any, flag: str, error: type[AipolicyError], timeout: float,
                   version: str) -> None:
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:
        raise error(f"{flag}: no Dask worker connected within {timeout:g} s; start workers "
                    f"with: dask worker {flag.split(' ', 1)[1]}", field="scheduler") from None
    try:
        versions = client.run(worker_version)
    except Exception as exc:
        raise error(f"{flag}: a worker could not run aipolicy ({type(exc).__name__}: "
                    f"{one_line(exc)}); install the same aipolicy on the workers",
                    field="scheduler") from None
    other = {w: v for w, v in sorted(versions.items()) if v != version}
    if other:
        worker, theirs = next(iter(other.items()))
        raise error(f"{flag}: worker {worker} runs aipolicy {theirs} but this client runs "
                    f"{version} ({len(other)} of {len(versions)} workers differ); run the "
                    "workers from the same aipolicy version", field="scheduler")
