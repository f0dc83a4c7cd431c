"""Django's Redis cache, with one Redis client per connection pool.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache call, and
redis-py builds its table of some 165 response callbacks in each one
(redis/redis-py#3624). A page served from the cache makes one call, and a page
rendered afresh about seven, so that construction cost more than the call
itself (docs/benchmarks.md has the figures). A ``redis.Redis`` holds no
connection of its own: it takes one from the pool for each command, so one
client can be shared by every call the process makes.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
