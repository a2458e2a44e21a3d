package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/storetest"
	"github.com/debugtoolbar/debugtoolbar/toolbar/redisstore"
)

var t1 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// client returns a client of the Redis DEBUGTOOLBAR_REDIS_URL names, a
// connection of its own (another process, as far as Redis can tell), and
// skips the test when the variable is unset.
func client(t testing.TB) *redis.Client {
	t.Helper()
	url := os.Getenv("DEBUGTOOLBAR_REDIS_URL")
	if url == "" {
		t.Skip("DEBUGTOOLBAR_REDIS_URL is not set; set it (e.g. redis://127.0.0.1:6379/0) to run the Redis tests")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("DEBUGTOOLBAR_REDIS_URL=%s: %v", url, err)
	}
	return rdb
}

// prefix returns a key prefix of the test's own, and deletes its keys when
// the test ends.
func prefix(t testing.TB, rdb *redis.Client) string {
	t.Helper()
	p := "{debugtoolbar-test:" + rand.Text() + "}:" // a hash tag of its own: the keys are p+"rec:"…
	t.Cleanup(func() {
		ctx := context.Background() // the test's context is done by now
		iter := rdb.Scan(ctx, 0, p+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("delete the test's keys: %v", err)
		}
	})
	return p
}

// keys returns the keys under the prefix, sorted.
func keys(t *testing.T, rdb *redis.Client, prefix string) []string {
	t.Helper()
	var out []string
	iter := rdb.Scan(t.Context(), 0, prefix+"*", 1000).Iterator()
	for iter.Next(t.Context()) {
		out = append(out, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestStore(t *testing.T) {
	client(t) // skips here, once, without Redis
	storetest.Suite{
		Open: func(t *testing.T, maxRecords int) func() storetest.Store {
			p := prefix(t, client(t))
			return func() storetest.Store {
				return redisstore.New(client(t), redisstore.WithPrefix(p), redisstore.WithMaxRecords(maxRecords))
			}
		},
		NotFound: toolbar.ErrNotFound,
	}.Run(t)
}

func TestKeys(t *testing.T) {
	rdb := client(t)
	p := prefix(t, rdb)
	s := redisstore.New(rdb, redisstore.WithPrefix(p), redisstore.WithMaxRecords(2), redisstore.WithTTL(time.Hour))
	recs := make(map[int][]byte)
	for i := 1; i <= 3; i++ {
		rec := storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second+time.Duration(i)*time.Microsecond), 20)
		if err := s.Add(t.Context(), rec); err != nil {
			t.Fatal(err)
		}
		recs[i], _ = json.Marshal(rec)
		sum, _ := json.Marshal(rec.Summary())
		if got, err := rdb.Get(t.Context(), p+"rec:"+rec.ID).Bytes(); err != nil || string(got) != string(recs[i]) {
			t.Errorf("%srec:%s does not hold json.Marshal(rec): %v", p, rec.ID, err)
		}
		if got, err := rdb.Get(t.Context(), p+"sum:"+rec.ID).Result(); err != nil || got != string(sum) {
			t.Errorf("%ssum:%s = %s, %v; want %s", p, rec.ID, got, err, sum)
		}
	}

	want := []string{p + "index", p + "rec:" + storetest.ID(2), p + "rec:" + storetest.ID(3), p + "sum:" + storetest.ID(2), p + "sum:" + storetest.ID(3)}
	if got := keys(t, rdb, p); !slices.Equal(got, want) {
		t.Errorf("keys = %v, want %v: the trimmed record's keys deleted", got, want)
	}
	index, err := rdb.ZRangeWithScores(t.Context(), p+"index", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	for i, z := range index {
		n := i + 2
		if wantScore := float64(t1.Add(time.Duration(n)*time.Second + time.Duration(n)*time.Microsecond).UnixMicro()); z.Member != storetest.ID(n) || z.Score != wantScore {
			t.Errorf("index entry %d = %v %v, want %s scored %v (its start in unix µs)", i, z.Member, z.Score, storetest.ID(n), wantScore)
		}
	}
	for _, k := range want {
		ttl, err := rdb.PTTL(t.Context(), k).Result()
		if err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
			t.Errorf("%s: TTL %v, %v; want about an hour", k, ttl, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	// Not under the default prefix, which a real history on this Redis
	// may use: the constant stands for it.
	if redisstore.DefaultPrefix != "{debugtoolbar}:" {
		t.Errorf("DefaultPrefix = %q", redisstore.DefaultPrefix)
	}
	rdb := client(t)
	p := prefix(t, rdb)
	s := redisstore.New(rdb, redisstore.WithPrefix(p))
	for i := range 101 {
		if err := s.Add(t.Context(), storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second), 0)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := rdb.ZCard(t.Context(), p+"index").Result(); err != nil || n != 100 {
		t.Errorf("the index holds %d ids, %v; want 100", n, err)
	}
	if got := len(keys(t, rdb, p)); got != 201 {
		t.Errorf("%d keys, want 201: 100 records of 2 keys and the index", got)
	}
	for _, k := range []string{p + "rec:" + storetest.ID(100), p + "sum:" + storetest.ID(100), p + "index"} {
		if ttl, err := rdb.PTTL(t.Context(), k).Result(); err != nil || ttl <= 23*time.Hour || ttl > 24*time.Hour {
			t.Errorf("%s: TTL %v, %v; want about 24h", k, ttl, err)
		}
	}
}

func TestExpiry(t *testing.T) {
	rdb := client(t)
	p := prefix(t, rdb)
	s := redisstore.New(rdb, redisstore.WithPrefix(p), redisstore.WithTTL(150*time.Millisecond))
	for i := 1; i <= 3; i++ {
		if err := s.Add(t.Context(), storetest.Record(storetest.ID(i), t1.Add(time.Duration(i)*time.Second), 0)); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("a record that expired before the index leaves the list", func(t *testing.T) {
		// Keys expire one by one; the index lives as long as Adds come.
		if err := rdb.Del(t.Context(), p+"rec:"+storetest.ID(2), p+"sum:"+storetest.ID(2)).Err(); err != nil {
			t.Fatal(err)
		}
		sums, err := s.List(t.Context(), 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != 2 || sums[0].ID != storetest.ID(3) || sums[1].ID != storetest.ID(1) {
			t.Errorf("List(2) = %v, want records 3 and 1: the limit filled past the expired one", sums)
		}
		if n, _ := rdb.ZCard(t.Context(), p+"index").Result(); n != 2 {
			t.Errorf("the index holds %d ids, want 2: the expired one removed", n)
		}
		if _, err := s.Get(t.Context(), storetest.ID(2)); !errors.Is(err, toolbar.ErrNotFound) {
			t.Errorf("Get of the expired record: %v, want an error wrapping toolbar.ErrNotFound", err)
		}
	})

	t.Run("everything expires after the TTL", func(t *testing.T) {
		time.Sleep(300 * time.Millisecond)
		if got := keys(t, rdb, p); len(got) != 0 {
			t.Errorf("keys left after the TTL: %v", got)
		}
		if sums, err := s.List(t.Context(), 10); err != nil || len(sums) != 0 {
			t.Errorf("List = %v, %v; want none", sums, err)
		}
		if _, err := s.Get(t.Context(), storetest.ID(3)); !errors.Is(err, toolbar.ErrNotFound) {
			t.Errorf("Get: %v, want an error wrapping toolbar.ErrNotFound", err)
		}
	})
}

func TestUndecodableRecord(t *testing.T) {
	rdb := client(t)
	p := prefix(t, rdb)
	s := redisstore.New(rdb, redisstore.WithPrefix(p))
	rec := storetest.Record(storetest.ID(1), t1, 0)
	if err := s.Add(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(t.Context(), p+"rec:"+rec.ID, `{"version":0}`, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get(t.Context(), rec.ID)
	if err == nil || errors.Is(err, toolbar.ErrNotFound) || !strings.Contains(err.Error(), p+"rec:"+rec.ID) || !strings.Contains(err.Error(), "version 0") {
		t.Errorf("Get of a record of another version: %v, want an error naming the key and the version", err)
	}
}

func TestNewPanicsOnMisuse(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:0"}) // never dialled
	defer rdb.Close()
	for _, c := range []struct {
		name   string
		client redis.UniversalClient
		opt    redisstore.Option
		want   string
	}{
		{"a nil client", nil, redisstore.WithPrefix("x:"), "nil client"},
		{"no prefix", rdb, redisstore.WithPrefix(""), `WithPrefix("")`},
		{"no records", rdb, redisstore.WithMaxRecords(0), "WithMaxRecords(0)"},
		{"no TTL", rdb, redisstore.WithTTL(0), "WithTTL(0s)"},
		{"a TTL Redis cannot keep", rdb, redisstore.WithTTL(time.Microsecond), "WithTTL(1µs)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), c.want) {
					t.Errorf("panic = %v, want one saying %q", r, c.want)
				}
			}()
			redisstore.New(c.client, c.opt)
		})
	}
}
