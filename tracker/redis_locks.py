"""Short locks in Redis, shared by every process: the figure snapshot's claim to
compute (tracker/figures/snapshot.py) and a public page's render lock
(tracker/public/cache.py).

A lock is a key set with ``SET NX`` and an expiry, holding a random token; it is
released only by whoever still holds it, so a lock that expired and was taken by
another process is not released by the first one finishing late.
"""

from __future__ import annotations

#: Deletes KEYS[1] only if it still holds the token ARGV[1]; 1 if it did.
RELEASE_IF_HELD = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
