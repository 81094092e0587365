"""What the registry counts and times, for ``/metrics`` (the Prometheus text format).

The metrics live in ``prometheus_client``'s default registry, defined here once and
incremented where the event happens (the web layer for requests, the audit log for record
writes and refusals, the profile for validation time). Labels are bounded sets (route
names, status codes, outcomes), never a raw path or a client's value, so a hostile client
cannot grow the registry's memory by inventing labels.

Each process counts its own; with several web processes, Prometheus scrapes each one (the
``instance`` label tells them apart).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "registry_http_requests",
    "HTTP requests answered, by route (the view's name), method and status.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "registry_http_request_duration_seconds",
    "Time from the request's arrival to its answer, by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SPARQL_QUERIES = Counter(
    "registry_sparql_queries",
    "Queries at /sparql by outcome: answered, refused (the client's mistake or a limit), "
    "unavailable (timeout, memory limit, workers busy) or failed.",
    ["outcome"],
)
RECORD_EVENTS = Counter(
    "registry_record_events",
    "Record writes and refused writes, as the audit log has them, by action and result.",
    ["action", "result"],
)
VALIDATION_SECONDS = Histogram(
    "registry_validation_seconds",
    "Time to validate descriptions against the profile, one call (one record, or a batch).",
    ["mode"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
VALIDATED_RECORDS = Counter(
    "registry_validated_records", "Descriptions validated against the profile."
)
CHANGE_ARRIVAL_SECONDS = Histogram(
    "registry_change_arrival_seconds",
    "Time from a record write (the writer's clock) to its application to this process's "
    "search index by the change-log follower (writes through other processes, and this "
    "process's own, heard again).",
    buckets=(0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30),
)
