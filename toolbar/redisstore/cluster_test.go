package redisstore_test

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/storetest"
	"github.com/debugtoolbar/debugtoolbar/toolbar/redisstore"
)

// TestCluster runs the stores' suite on the Redis Cluster whose nodes
// DEBUGTOOLBAR_REDIS_CLUSTER_ADDRS lists (comma-separated host:port),
// where a MULTI over keys of several slots fails with CROSSSLOT, under a
// prefix without a hash tag of its own (the store braces it). It skips
// when the variable is unset.
func TestCluster(t *testing.T) {
	addrs := os.Getenv("DEBUGTOOLBAR_REDIS_CLUSTER_ADDRS")
	if addrs == "" {
		t.Skip("DEBUGTOOLBAR_REDIS_CLUSTER_ADDRS is not set; set it (e.g. 127.0.0.1:7000) to run the Redis Cluster tests")
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ",")})
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("DEBUGTOOLBAR_REDIS_CLUSTER_ADDRS=%s: %v", addrs, err)
	}
	storetest.Suite{
		Open: func(t *testing.T, maxRecords int) func() storetest.Store {
			p := "debugtoolbar-test:" + rand.Text() + ":"
			t.Cleanup(func() {
				ctx := context.Background()
				rdb.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
					iter := node.Scan(ctx, 0, "{"+p+"}*", 1000).Iterator()
					for iter.Next(ctx) {
						node.Del(ctx, iter.Val())
					}
					return iter.Err()
				})
			})
			return func() storetest.Store {
				return redisstore.New(rdb, redisstore.WithPrefix(p), redisstore.WithMaxRecords(maxRecords))
			}
		},
		NotFound: toolbar.ErrNotFound,
	}.Run(t)
}
