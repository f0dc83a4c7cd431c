"""core.cache_backends: Django's Redis cache, sharing one Redis client per pool.

Against the Redis these machines run, in a database of its own (14), emptied first.
"""

import pytest
from django.core.cache import caches
from django.test import override_settings

REDIS = {
    "default": {
        "BACKEND": "core.cache_backends.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/14",
    }
}


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=REDIS):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_every_call_shares_one_client_and_one_pool(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("a", 1)
    redis_cache.get("a")
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client() is client
    assert client.connection_pool is redis_cache._cache._get_connection_pool(write=False)


def test_it_stores_and_reads_as_djangos_redis_cache_does(redis_cache):
    assert redis_cache.add("lock", True, timeout=10)
    assert not redis_cache.add("lock", True, timeout=10)  # taken: the render lock relies on it
    redis_cache.set_many({"page": b"<html>", "entry": "<li>"})
    assert redis_cache.get_many(["page", "entry", "missing"]) == {
        "page": b"<html>",
        "entry": "<li>",
    }
    redis_cache.delete("lock")
    assert redis_cache.get("lock") is None
    assert redis_cache.get("missing", "default") == "default"
