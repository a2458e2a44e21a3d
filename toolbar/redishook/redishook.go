// Package redishook records go-redis v9 commands into debugtoolbar: each
// command run with the context of an observed request shows in that
// request's cache panel with its key, hit or miss, duration and caller.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	rdb.AddHook(redishook.New())
//	...
//	v, err := rdb.Get(r.Context(), "user:42").Result() // recorded
//
// It lives in a package of its own so apps without Redis do not compile
// go-redis.
package redishook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// New returns the hook. Commands run with a context the toolbar does not
// observe cost one context lookup.
func New() redis.Hook { return hook{} }

type hook struct{}

func (hook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (hook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !toolbar.Observed(ctx) || handshake(cmd) {
			return next(ctx, cmd)
		}
		start := time.Now()
		err := next(ctx, cmd)
		e := toolbar.CacheEvent{Op: cmd.Name(), Key: key(cmd), Start: start, Duration: time.Since(start), Backend: "redis"}
		e.Read, e.Hit = hitOrMiss(cmd, err)
		if err != nil && !errors.Is(err, redis.Nil) {
			e.Err = err
		}
		toolbar.RecordCache(ctx, e)
		return err
	}
}

func (hook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !toolbar.Observed(ctx) || (len(cmds) > 0 && handshake(cmds[0])) {
			return next(ctx, cmds)
		}
		start := time.Now()
		err := next(ctx, cmds)
		names := make([]string, 0, min(len(cmds), 5))
		for i, c := range cmds {
			if i == 5 {
				names = append(names, fmt.Sprintf("... %d more", len(cmds)-5))
				break
			}
			names = append(names, strings.TrimSpace(c.Name()+" "+key(c)))
		}
		e := toolbar.CacheEvent{Op: "pipeline", Key: strings.Join(names, "; "), Start: start, Duration: time.Since(start), Backend: "redis"}
		if err != nil && !errors.Is(err, redis.Nil) {
			e.Err = err
		}
		toolbar.RecordCache(ctx, e)
		return err
	}
}

// handshake reports whether cmd is one go-redis sends itself when it opens
// a connection; those run with the context of the command that needed the
// connection, but are not the app's.
func handshake(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello":
		return true
	case "client":
		if args := cmd.Args(); len(args) > 1 {
			sub := strings.ToLower(fmt.Sprint(args[1]))
			return sub == "setinfo" || sub == "maint_notifications"
		}
	}
	return false
}

// key is the command's key (its first argument), or its keys joined for
// commands over several.
func key(cmd redis.Cmder) string {
	args := cmd.Args()
	if len(args) < 2 {
		return ""
	}
	switch cmd.Name() {
	case "mget", "del", "exists", "unlink", "touch":
		keys := make([]string, 0, len(args)-1)
		for _, a := range args[1:] {
			keys = append(keys, fmt.Sprint(a))
		}
		return strings.Join(keys, " ")
	}
	return fmt.Sprint(args[1])
}

// hitOrMiss says whether the command is a lookup and, if so, whether what it
// looked up was there.
func hitOrMiss(cmd redis.Cmder, err error) (read, hit bool) {
	switch c := cmd.(type) {
	case *redis.StringCmd: // get, getex, getdel, hget, lindex, ...
		if !isLookup(cmd.Name()) {
			return false, false
		}
		return true, err == nil
	case *redis.SliceCmd: // mget, hmget: a hit when every key was there
		if err != nil {
			return true, false
		}
		for _, v := range c.Val() {
			if v == nil {
				return true, false
			}
		}
		return true, true
	case *redis.IntCmd:
		if cmd.Name() == "exists" {
			return true, err == nil && c.Val() > 0
		}
	case *redis.MapStringStringCmd: // hgetall
		return true, err == nil && len(c.Val()) > 0
	}
	return false, false
}

func isLookup(name string) bool {
	switch name {
	case "get", "getex", "getdel", "hget", "lindex", "getrange", "lpop", "rpop", "srandmember", "spop":
		return true
	}
	return false
}
