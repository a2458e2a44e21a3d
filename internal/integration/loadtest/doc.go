// Package loadtest holds the toolbar's load and memory tests, run only
// with the -load flag:
//
//	go test -run TestLoad ./internal/integration/loadtest/ -load
//	go test -run TestLoad ./internal/integration/loadtest/ -load -load.n 5000
//
// TestLoad starts a real net/http server on 127.0.0.1 with a small blog on
// SQLite (through sqltrace) and drives it from a Go client over 64
// keep-alive connections, -load.n requests (default 100,000) in each of
// three modes: the toolbar absent, refusing (the client is not in
// InternalIPs) and observing. It asserts that no request fails, that every
// response is the expected one (status, headers, body; the toolbar's
// additions only when observing), that the heap is flat once the history
// is full, and that the goroutines are back to their baseline once the
// server is closed. It logs requests per second, latencies and heap samples
// for each mode, and the CPU time per request, which holds on a machine
// shared with other work where the rates do not.
//
// TestMemoryPerRecord fills a history with worst-case records and measures
// the heap each keeps, at small caps always and at the default caps with
// -load (-load.allshapes measures every shape of arguments there, a minute
// more).
package loadtest
