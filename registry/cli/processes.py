"""``registry serve --processes N``: N pre-forked web processes (gunicorn) over a remote store.

Why gunicorn: its master process forks the workers, restarts one that dies (a SIGKILL, an
out-of-memory kill) while the others keep answering, and stops them gracefully on SIGTERM;
its ``gthread`` workers keep the threads one waitress process has, so each process answers
``REGISTRY_THREADS`` requests at once. Waitress has no workers of its own: N waitress
processes would need N ports and a supervisor. (README "Running at scale" has the measure.)

The start has three steps:

1. ``prepare`` runs once, in a child interpreter (``python -m registry.cli.processes``):
   it opens the registry as one process would (the database's migrations, the change log
   of an older store, the catalogue's description, the vocabularies, ``--sample``) and
   brings the shared search index in step, so N processes do not race to do it and each
   can seed its own index from it. A child, not the master: the master must hold no
   threads or pools when it forks.
2. The master (gunicorn's arbiter) listens and forks the workers; each builds its own app
   (``create_app`` with ``processes`` = N: its share of the validators and SPARQL workers,
   its own copy of the search index) and follows the change log.
3. One worker at a time holds the machine's duties (``Duties``): the dump schedule, the
   harvest schedule and the FAIR Data Point pings; if it dies, another takes them over.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import click
from flask import Flask
from gunicorn.app.base import BaseApplication

from registry.config import ENV_PREFIX, Settings

TIMEOUT = 300
"""Seconds gunicorn lets a worker go silent before it kills it: a worker's start (loading the
profile, reconciling its index) takes seconds, a minute on a busy machine. Requests do not
count: a ``gthread`` worker's main loop stays responsive while its threads answer."""
DUTY_RETRY = 5.0
"""Seconds between two tries of a worker to take over the duties of one that died."""


def refuse_embedded(settings: Settings, processes: int) -> None:
    """Refuse several processes over the embedded store, saying why and what to do."""
    if processes > 1 and not settings.remote_store:
        raise click.ClickException(
            f"--processes {processes} needs a shared store: the embedded store in "
            f"{settings.store} is a folder only one process may open (Oxigraph locks it). "
            f"Serve it with `oxigraph serve --location {settings.store} --bind 127.0.0.1:7878` "
            f"and set {ENV_PREFIX}STORE=http://127.0.0.1:7878, or serve with one process."
        )


def serve_processes(settings: Settings, overrides: dict[str, Any], sample: bool) -> None:
    """Prepare the store and the shared index, then run ``settings.processes`` workers."""
    prepare_in_child(overrides, sample)
    if settings.rate_limit_storage.startswith("memory://"):
        click.echo(
            f"Note: rate limits are counted per process ({ENV_PREFIX}RATE_LIMIT_STORAGE is "
            f"memory://): a client may make up to {settings.processes} times each limit.",
            err=True,
        )
    click.echo(
        f"Serving {settings.catalog_title} on http://{settings.host}:{settings.port}/ "
        f"with {settings.processes} processes"
    )
    Processes(settings, overrides).run()


def prepare_in_child(overrides: dict[str, Any], sample: bool) -> None:
    """Run ``prepare`` in a child interpreter; stop with its message if it fails."""
    env = {**os.environ}
    env.update({f"{ENV_PREFIX}{key.upper()}": str(value) for key, value in overrides.items()})
    command = [sys.executable, "-m", "registry.cli.processes"] + (["--sample"] if sample else [])
    done = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise click.ClickException(f"Cannot start: {done.stderr.strip() or done.returncode}")


def prepare(sample: bool) -> None:
    """Open the registry once as a single process would, then close it."""
    from registry.cli.loading import load_with_progress
    from registry.config import load_settings
    from registry.resources import resource_dir
    from registry.runtime import open_registry

    registry = open_registry(load_settings({"processes": 1, "validators": 1}))
    try:
        if sample:
            load_with_progress(registry, [resource_dir("data") / "sample"], samples=True)
    finally:
        registry.close()


class Processes(BaseApplication):  # type: ignore[misc]
    """gunicorn's arbiter, configured from the settings, loading one app per worker."""

    def __init__(self, settings: Settings, overrides: dict[str, Any]) -> None:
        self.settings = settings
        self.overrides = {**overrides, "processes": settings.processes}
        super().__init__()

    def load_config(self) -> None:
        settings = self.settings
        options = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": settings.processes,
            "worker_class": "gthread",
            "threads": settings.threads,
            "worker_connections": settings.connection_limit,
            "keepalive": 5,
            "timeout": TIMEOUT,
            "graceful_timeout": 30,
            "proc_name": "registry",
            "control_socket_disable": True,  # no socket in the home folder
            "accesslog": None,  # each request is logged by the app, as JSON
            "errorlog": "-",
            "worker_exit": worker_exit,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return worker_app(self.overrides)


def worker_app(overrides: dict[str, Any]) -> Flask:
    """One worker's app: its own registry, following the change log, maybe the duties."""
    from registry.federation.fdp import ping_urls, start_pinging
    from registry.web.app import create_app
    from registry.web.observability import configure_logging

    app = create_app(overrides)
    registry = app.extensions["registry"]
    configure_logging(registry.settings.log_format)
    registry.follow_changes()
    threading.Thread(target=registry.listing.warm, name="listing", daemon=True).start()

    def take_duties() -> None:
        registry.schedule_dumps()
        registry.schedule_harvests()
        start_pinging(ping_urls(registry.settings.fdp_ping_urls), registry.settings.base_iri)

    Duties(Path(registry.settings.local_folder) / "serve.duties.lock", take_duties).start()
    return app


def worker_exit(server: object, worker: Any) -> None:
    """gunicorn's hook as a worker stops: close its registry (its index copy goes too)."""
    app = getattr(worker, "wsgi", None)
    if isinstance(app, Flask):
        app.extensions["registry"].close()


class Duties(threading.Thread):
    """Waits for the machine's duty lock (an exclusive ``flock``), then runs ``take``.

    The kernel releases the lock of a process that dies, so another worker takes the
    duties over within ``DUTY_RETRY`` seconds. With the embedded store one process serves
    and takes them at once (``registry serve``).
    """

    def __init__(self, path: Path, take: Any) -> None:
        super().__init__(name="duties", daemon=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        self._take = take

    def run(self) -> None:
        while True:
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                threading.Event().wait(DUTY_RETRY)
                continue
            self._take()
            return  # the lock stays held until this process ends


if __name__ == "__main__":
    from registry.errors import RegistryError

    try:
        prepare("--sample" in sys.argv[1:])
    except RegistryError as error:
        sys.exit(error.message)
    except (ValueError, OSError) as error:
        sys.exit(f"{error}")
