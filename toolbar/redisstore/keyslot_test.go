package redisstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/storetest"
	"github.com/debugtoolbar/debugtoolbar/toolbar/redisstore"
)

// slot is the Redis Cluster hash slot of a key: CRC16 (XMODEM) of its
// hash tag, the part between the first '{' and the first '}' after it
// when that is not empty, or else of the whole key, modulo 16384.
func slot(key string) uint16 {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	var crc uint16
	for k := 0; k < len(key); k++ {
		crc ^= uint16(key[k]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc % 16384
}

func TestSlot(t *testing.T) {
	// The values of CLUSTER KEYSLOT on Redis 7.
	for key, want := range map[string]uint16{
		"123456789":                12739, // the CRC16 check value, 0x31C3
		"foo":                      12182,
		"bar":                      5061,
		"{user1000}.following":     3443,
		"{user1000}.followers":     3443,
		"user1000":                 3443,
		"foo{}{bar}":               8363, // an empty tag: the whole key
		"foo{{bar}}zap":            4015, // the tag is "{bar"
		"foo{bar}{zap}":            5061, // the first tag
		"":                         0,
		"debugtoolbar":             15363,
		"{debugtoolbar}:rec:x-1-2": 15363,
	} {
		if got := slot(key); got != want {
			t.Errorf("slot(%q) = %d, want %d", key, got, want)
		}
	}
}

// keyRecorder is a hook that answers every command itself, never
// dialling Redis, and records the keys each one names.
type keyRecorder struct {
	keys map[string]bool
	t    *testing.T
}

func (k *keyRecorder) DialHook(next redis.DialHook) redis.DialHook { return next }

func (k *keyRecorder) ProcessHook(redis.ProcessHook) redis.ProcessHook {
	return func(_ context.Context, cmd redis.Cmder) error { return k.answer(cmd) }
}

func (k *keyRecorder) ProcessPipelineHook(redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(_ context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			c.SetErr(k.answer(c))
		}
		return nil
	}
}

// answer records the command's keys and gives it an answer that leads
// the store to its other commands: a trim that removed a record (DEL), a
// list of an expired one (ZREM), a GET of a key not kept.
func (k *keyRecorder) answer(cmd redis.Cmder) error {
	args := cmd.Args()
	var keys []any
	switch name := cmd.Name(); name {
	case "multi", "exec":
	case "set", "get", "zadd", "zrange", "zrevrange", "zremrangebyrank", "zrem", "pexpire":
		keys = args[1:2]
	case "del", "mget":
		keys = args[1:]
	default:
		k.t.Fatalf("the store sent %v: name the keys of %q in keyRecorder", args, name)
	}
	for _, a := range keys {
		k.keys[fmt.Sprint(a)] = true
	}
	switch c := cmd.(type) {
	case *redis.StringSliceCmd: // ZRANGE of the trimmed, ZREVRANGE of a List's first page
		if fmt.Sprint(args[2]) == "0" {
			c.SetVal([]string{storetest.ID(99)})
		}
	case *redis.SliceCmd: // MGET: expired
		c.SetVal(make([]any, len(args)-1))
	case *redis.StringCmd: // GET
		return redis.Nil
	}
	return nil
}

// TestEveryKeyHashesToOneSlot runs each of the store's operations on a
// client that records the keys they name, and checks that all of them
// share one hash slot, as a MULTI on Redis Cluster requires: with the
// default prefix, with a prefix that has a hash tag of its own, and with
// prefixes the store braces into one.
func TestEveryKeyHashesToOneSlot(t *testing.T) {
	for _, c := range []struct {
		prefix string
		key    string // the index's key
	}{
		{redisstore.DefaultPrefix, "{debugtoolbar}:index"},
		{"{shop}:toolbar:", "{shop}:toolbar:index"},
		{"shop:{toolbar}:", "shop:{toolbar}:index"},
		{"shop:", "{shop:}index"},
		{"shop:{}:", "{shop:{}:}index"}, // an empty tag is none
		{"shop{:", "{shop{:}index"},     // an open brace alone neither
		{"shop}:", "{shop}:}index"},     // nor a closing one
		{"sh{op:}", "sh{op:}index"},     // a tag that ends the prefix
		{"{:}", "{:}index"},
	} {
		t.Run(c.prefix, func(t *testing.T) {
			rec := &keyRecorder{keys: map[string]bool{}, t: t}
			rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:0"}) // never dialled
			defer rdb.Close()
			rdb.AddHook(rec)
			s := redisstore.New(rdb, redisstore.WithPrefix(c.prefix), redisstore.WithMaxRecords(1))
			ctx := t.Context()
			if err := s.Add(ctx, storetest.Record(storetest.ID(1), t1, 0)); err != nil {
				t.Fatal(err)
			}
			s.Get(ctx, storetest.ID(1))
			if err := s.SetClearedAt(ctx, t1); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ClearedAt(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := s.List(ctx, 10); err != nil {
				t.Fatal(err)
			}
			if !rec.keys[c.key] {
				t.Errorf("the index is not %q; keys: %v", c.key, rec.keys)
			}
			if len(rec.keys) < 6 {
				t.Errorf("only %d keys recorded, want the index, the mark of a clear and two keys of each of two records: %v", len(rec.keys), rec.keys)
			}
			want := slot(c.key)
			for k := range rec.keys {
				if !strings.HasPrefix(k, c.key[:len(c.key)-len("index")]) {
					t.Errorf("key %q does not start with the index's prefix", k)
				}
				if got := slot(k); got != want {
					t.Errorf("key %q is in slot %d, the index %q in %d", k, got, c.key, want)
				}
			}
		})
	}
}
