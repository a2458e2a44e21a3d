package main

import (
	"context"
	"sync"
	"time"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// ttlCache is a tiny in-memory cache whose entries expire after a fixed
// time. Every get and set is recorded for the toolbar's Cache panel.
// Values are shared between requests: callers must not modify them.
type ttlCache[V any] struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[V any](ttl time.Duration) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, m: map[string]cacheEntry[V]{}}
}

// Get returns the value under key, if it is there and fresh.
func (c *ttlCache[V]) Get(ctx context.Context, key string) (V, bool) {
	start := time.Now()
	c.mu.Lock()
	e, ok := c.m[key]
	if ok && start.After(e.expires) {
		delete(c.m, key)
		ok = false
	}
	c.mu.Unlock()
	toolbar.RecordCache(ctx, toolbar.CacheEvent{Op: "get", Key: key, Read: true, Hit: ok,
		Duration: time.Since(start), Backend: "memory"})
	if !ok {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Set stores v under key for the cache's TTL.
func (c *ttlCache[V]) Set(ctx context.Context, key string, v V) {
	start := time.Now()
	c.mu.Lock()
	c.m[key] = cacheEntry[V]{v: v, expires: start.Add(c.ttl)}
	c.mu.Unlock()
	toolbar.RecordCache(ctx, toolbar.CacheEvent{Op: "set", Key: key, Duration: time.Since(start), Backend: "memory"})
}
