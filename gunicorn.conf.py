"""gunicorn's settings, read from the working directory wherever gunicorn starts here (the
Dockerfile, docker-compose.yml, bench/api_throughput.py); command-line options override them."""

import os


def cores() -> int:
    """The cores this process may run on (a container's cpuset, not the host's count)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


# A request is Python CPU for the most part (its database waits are short), so one sync worker
# per core serves the most: 2 workers created ~210 tickets/s on 2 cores, 3 and 4 workers 184
# and 188 (docs/benchmarks.md). WEB_CONCURRENCY sets another count.
workers = int(os.environ.get("WEB_CONCURRENCY") or cores())
