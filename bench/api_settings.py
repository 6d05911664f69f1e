"""Settings for bench/api.py: production settings plus a URLconf with the single-query baseline view."""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
