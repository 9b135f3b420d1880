"""The loopback HTTP server of the feed tests, for the safe client and images fetched by URL."""

from tests.feeds.conftest import http_server, http_server_factory

__all__ = ["http_server", "http_server_factory"]
