"""Rate limits on the requests that cost the registry work or guess at secrets: writes,
validation, failed sign-ins; flask-limiter (https://flask-limiter.readthedocs.io) counts them.

Writes (``/api/records``, a POST of ``/submit``) are counted per client IP and per token,
validation (``/api/validate``) per client IP, and failed sign-ins (answers 401 on those
routes) per client IP: 1,044 wrong tokens a second were tried, each adding an audit line. A
refused request gets 429 with ``Retry-After``, is not audited and costs nothing else. Each
limit is a setting in flask-limiter's notation ("30 per minute; 600 per hour"), empty to
turn it off. Counters are kept in ``rate_limit_storage``: ``memory://`` counts in one process;
with several web processes, give them one ``redis://`` or ``memcached://`` store to share.
Behind a proxy, the client IP is the proxy's unless ``trusted_proxies`` says how many proxies
set ``X-Forwarded-For`` (``create_app`` applies werkzeug's ProxyFix).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, g, request
from flask_limiter import Limiter
from limits import parse_many
from werkzeug.wrappers import Response

from registry.config import ENV_PREFIX, Settings

WRITES = ("api.create_record", "api.replace_record", "api.withdraw", "provider_pages.submit_page")
"""Endpoints that write (or, for ``/submit``, check then publish) with a provider's token."""
VALIDATION = ("api.validate",)
SIGN_IN = WRITES
"""Endpoints that authenticate a token: their 401 answers are counted."""


def client_ip() -> str:
    """The client's address (the proxy's, unless ``trusted_proxies`` is set)."""
    return request.remote_addr or "unknown"


def token_key() -> str:
    """The id of the token a request carries (``cir_<id>_<secret>``), else its client IP."""
    header = request.headers.get("Authorization", "")
    token = header.partition(" ")[2].strip() or request.form.get("token", "").strip()
    parts = token.split("_", 2)
    return f"token {parts[1]}" if len(parts) == 3 else f"ip {client_ip()}"


def signed_in_failed(response: Response) -> bool:
    return response.status_code == 401


def _message(what: str, setting: str, value: str) -> str:
    return (
        f"Too many {what} from this client (at most {value}, setting "
        f"{ENV_PREFIX}{setting.upper()}); try again after the seconds Retry-After says."
    )


def _own_retry_after(response: Response) -> Response:
    """Note the Retry-After the view itself set (runs before flask-limiter's headers)."""
    g.own_retry_after = response.headers.get("Retry-After")
    return response


def _limits_retry_after_on_429_only(response: Response) -> Response:
    """Keep flask-limiter's Retry-After on its 429s only (runs after its headers).

    With headers enabled it sets Retry-After on every answer of a limited route to the time
    the window resets, at least what the view said: a full validator pool's 503 said 59 s
    instead of 1, and a 201 carried one too. Other answers get back the view's own.
    """
    if response.status_code == 429:
        return response
    own = g.pop("own_retry_after", None)
    if own is None:
        response.headers.pop("Retry-After", None)
    else:
        response.headers["Retry-After"] = own
    return response


def init_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """Count and cap the routes above for ``app``; refuse a limit flask-limiter cannot read."""
    # Flask runs after-request functions last registered first: this one after the limiter's.
    app.after_request(_limits_retry_after_on_429_only)
    limiter = Limiter(
        client_ip,
        app=app,
        storage_uri=settings.rate_limit_storage,
        headers_enabled=True,
        key_prefix="registry",
    )
    app.after_request(_own_retry_after)  # and this one before it
    rules: list[tuple[str, str, tuple[str, ...], Callable[[], str], str, dict[str, object]]] = [
        ("writes", "rate_limit_writes", WRITES, client_ip, "writes per client", {}),
        ("writes", "rate_limit_writes", WRITES, token_key, "writes per token", {}),
        ("validations", "rate_limit_validation", VALIDATION, client_ip, "validations", {}),
        (
            "failed sign-ins",
            "rate_limit_failed_auth",
            SIGN_IN,
            client_ip,
            "failed sign-ins",
            {"deduct_when": signed_in_failed},
        ),
    ]
    for what, setting, endpoints, key, scope, options in rules:
        value = getattr(settings, setting)
        if not value.strip():
            continue
        try:
            parse_many(value)
        except ValueError:
            raise ValueError(
                f"{ENV_PREFIX}{setting.upper()} must read like '30 per minute; 600 per hour', "
                f"not {value!r}"
            ) from None
        shared = limiter.shared_limit(
            value,
            scope,
            key_func=key,
            methods=["POST", "PUT", "DELETE"],
            error_message=_message(what, setting, value),
            **options,  # type: ignore[arg-type]
        )
        for endpoint in endpoints:  # the wrapped view checks the limits when it is called
            view: Callable[..., Any] = app.view_functions[endpoint]
            app.view_functions[endpoint] = shared(view)
    return limiter
