// Package redisstore keeps debugtoolbar's history in Redis, so that the app
// servers of a staging cluster, behind one balancer, show one history: a
// request recorded by one server opens from the toolbar of any other.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	tb, err := toolbar.New(toolbar.Config{Store: redisstore.New(rdb)})
//
// It lives in a module of its own so apps without Redis do not compile
// go-redis.
//
// # Keys
//
// For a record with id ID and the default prefix "{debugtoolbar}:":
//
//	{debugtoolbar}:rec:ID   the record, as panels.Record's MarshalJSON encodes it
//	{debugtoolbar}:sum:ID   its summary, the JSON of panels.Summary
//	{debugtoolbar}:index    a sorted set of the ids, scored by start time (unix µs)
//	{debugtoolbar}:cleared  when the history's list was last cleared (RFC 3339), see toolbar.ListClearer
//
// Add writes all three in one MULTI transaction, which also trims the index
// to the newest records; the records it trimmed are deleted right after.
// Every key expires after the TTL (refreshed for the index at every Add), so
// a history nobody adds to disappears, and a record's keys outlive it by no
// more than that should the delete after a trim fail.
//
// # Redis Cluster
//
// Every key of a store shares one hash tag, so they all hash to one slot,
// as a MULTI on Redis Cluster requires: the prefix's own when it has one
// (a '{' followed later by a '}' with something between, as in the
// default), or else the whole prefix, braced: WithPrefix("myapp:") keys
// "{myapp:}rec:ID". A history lives on one node of a cluster.
//
// Before the tag, the default prefix was "debugtoolbar:" and a prefix was
// used as given: a history kept under those keys is not seen after the
// upgrade (it expires with its TTL). A prefix that had a hash tag keeps
// its keys.
package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// The defaults of the options.
const (
	DefaultPrefix     = "{debugtoolbar}:"
	DefaultMaxRecords = 100
	DefaultTTL        = 24 * time.Hour
)

// Store is a history kept in Redis. It is safe for concurrent use, and any
// number of stores with the same client settings and prefix, in any number
// of processes, share one history.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	max    int
	ttl    time.Duration
}

var (
	_ toolbar.Store       = (*Store)(nil)
	_ toolbar.ListClearer = (*Store)(nil)
)

// Option sets one of a Store's settings.
type Option func(*Store)

// WithPrefix sets the prefix of the store's keys (default
// "{debugtoolbar}:"), braced into a hash tag unless it holds one (see Redis
// Cluster above). Stores with different prefixes keep different histories
// in one database.
func WithPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// WithMaxRecords sets how many records the history keeps (default 100).
func WithMaxRecords(n int) Option { return func(s *Store) { s.max = n } }

// WithTTL sets how long a record is kept after it was added, and the
// history after the last record was (default 24h). Redis keeps
// milliseconds.
func WithTTL(d time.Duration) Option { return func(s *Store) { s.ttl = d } }

// New returns a store on the client. It panics when the client is nil, the
// prefix is empty, the maximum is below 1 or the TTL is under a
// millisecond.
func New(client redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: client, prefix: DefaultPrefix, max: DefaultMaxRecords, ttl: DefaultTTL}
	for _, o := range opts {
		o(s)
	}
	switch {
	case client == nil:
		panic("redisstore: New with a nil client")
	case s.prefix == "":
		panic(`redisstore: WithPrefix(""): the keys need a prefix, their hash tag on Redis Cluster`)
	case s.max < 1:
		panic(fmt.Sprintf("redisstore: WithMaxRecords(%d): must be at least 1", s.max))
	case s.ttl < time.Millisecond:
		panic(fmt.Sprintf("redisstore: WithTTL(%v): must be at least 1ms", s.ttl))
	}
	if !hasHashTag(s.prefix) {
		s.prefix = "{" + s.prefix + "}"
	}
	return s
}

// hasHashTag reports whether a key starting with prefix hashes to the
// slot of a tag within the prefix, by Redis Cluster's rule: the first '{'
// and the first '}' after it, when something is between them.
func hasHashTag(prefix string) bool {
	i := strings.IndexByte(prefix, '{')
	return i >= 0 && strings.IndexByte(prefix[i+1:], '}') > 0
}

func (s *Store) recKey(id string) string { return s.prefix + "rec:" + id }
func (s *Store) sumKey(id string) string { return s.prefix + "sum:" + id }
func (s *Store) index() string           { return s.prefix + "index" }
func (s *Store) clearedKey() string      { return s.prefix + "cleared" }

// score orders the index by start time, in microseconds: a float64 holds
// them exactly, where unix nanoseconds need more than its 53 bits.
func score(t time.Time) float64 { return float64(t.UnixMicro()) }

// Add keeps the record and trims the history to its maximum, deleting the
// records that started first.
func (s *Store) Add(ctx context.Context, rec *panels.Record) error {
	if rec.ID == "" {
		return errors.New("redisstore: a record without an id")
	}
	body, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("redisstore: encode record %s: %w", rec.ID, err)
	}
	sum, err := json.Marshal(rec.Summary())
	if err != nil {
		return fmt.Errorf("redisstore: encode record %s: %w", rec.ID, err)
	}
	// Ranks 0 to -(max+1) are those beyond the newest max. Reading and
	// removing them in one transaction gives each Add its own ids to
	// delete, however many Adds run at once.
	beyond := int64(-s.max - 1)
	var trimmed *redis.StringSliceCmd
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.recKey(rec.ID), body, s.ttl)
		p.Set(ctx, s.sumKey(rec.ID), sum, s.ttl)
		p.ZAdd(ctx, s.index(), redis.Z{Score: score(rec.Start), Member: rec.ID})
		trimmed = p.ZRange(ctx, s.index(), 0, beyond)
		p.ZRemRangeByRank(ctx, s.index(), 0, beyond)
		p.PExpire(ctx, s.index(), s.ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: add record %s: %w", rec.ID, err)
	}
	if ids := trimmed.Val(); len(ids) > 0 {
		keys := make([]string, 0, 2*len(ids))
		for _, id := range ids {
			keys = append(keys, s.recKey(id), s.sumKey(id))
		}
		if err := s.rdb.Del(ctx, keys...).Err(); err != nil {
			return fmt.Errorf("redisstore: delete %d trimmed records (they expire with the TTL): %w", len(ids), err)
		}
	}
	return nil
}

// Get returns the record with the id; the error wraps toolbar.ErrNotFound
// when the store does not keep it (any more).
func (s *Store) Get(ctx context.Context, id string) (*panels.Record, error) {
	b, err := s.rdb.Get(ctx, s.recKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: record %s: %w", id, toolbar.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: get record %s: %w", id, err)
	}
	rec := new(panels.Record)
	if err := rec.UnmarshalJSON(b); err != nil {
		return nil, fmt.Errorf("redisstore: decode %s: %w", s.recKey(id), err)
	}
	return rec, nil
}

// List returns the summaries of at most limit of the records that started
// last, newest first. Ids whose records have expired are dropped from the
// index on the way.
func (s *Store) List(ctx context.Context, limit int) ([]panels.Summary, error) {
	out := make([]panels.Summary, 0, max(limit, 0))
	listed := make(map[string]bool, cap(out)) // an Add between two pages shifts the second by one
	var expired []any
	for from := int64(0); len(out) < limit; {
		ids, err := s.rdb.ZRevRange(ctx, s.index(), from, from+int64(limit)-1).Result()
		if err != nil {
			return nil, fmt.Errorf("redisstore: list: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		from += int64(len(ids))
		keys := make([]string, len(ids))
		for i, id := range ids {
			keys[i] = s.sumKey(id)
		}
		vals, err := s.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return nil, fmt.Errorf("redisstore: list: %w", err)
		}
		for i, v := range vals {
			if listed[ids[i]] {
				continue
			}
			str, ok := v.(string)
			if !ok {
				expired = append(expired, ids[i])
				continue
			}
			var sum panels.Summary
			if json.Unmarshal([]byte(str), &sum) != nil {
				continue // not a summary this version reads: skipped, as Get says why
			}
			listed[ids[i]] = true
			if out = append(out, sum); len(out) == limit {
				break
			}
		}
	}
	if len(expired) > 0 {
		// Best effort: a List that fails to remove them lists the rest,
		// and the next one tries again.
		s.rdb.ZRem(ctx, s.index(), expired...)
	}
	return out, nil
}

// SetClearedAt keeps t as when the history's list was cleared, for the TTL,
// as long as the records it hides are kept.
func (s *Store) SetClearedAt(ctx context.Context, t time.Time) error {
	if err := s.rdb.Set(ctx, s.clearedKey(), t.Format(time.RFC3339Nano), s.ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: keep when the list was cleared: %w", err)
	}
	return nil
}

// ClearedAt returns when the history's list was last cleared, the zero
// time for never (or longer ago than the TTL).
func (s *Store) ClearedAt(ctx context.Context) (time.Time, error) {
	v, err := s.rdb.Get(ctx, s.clearedKey()).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("redisstore: read when the list was cleared: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("redisstore: %s: %w", s.clearedKey(), err)
	}
	return t, nil
}
