package panels

import "time"

// PoolStats is a database's connection pool during one request: its
// counts when the request ended, and the waits for a connection made
// while it ran (the difference of database/sql's DBStats at its start and
// at its end).
//
// database/sql counts waits for the whole pool, not per caller, so the
// waits are those of every goroutine that used the pool meanwhile: this
// request's, and those of any request or job that ran at the same time
// (Overlapped says whether another observed request did; unobserved
// requests and background jobs are not seen). A request that ran alone
// has its own waits.
type PoolStats struct {
	// DB is the database's number, as Query.DB has it.
	DB int32 `json:"db"`
	// Name is the driver name the database was opened with ("sqlite",
	// "pgx"), or the connector's driver type.
	Name string `json:"name"`
	// MaxOpen is db.SetMaxOpenConns's limit, 0 for none.
	MaxOpen int `json:"max_open"`
	// Open, InUse and Idle count the pool's connections when the request
	// ended.
	Open  int `json:"open"`
	InUse int `json:"in_use"`
	Idle  int `json:"idle"`
	// WaitCount counts the waits for a connection that began while the
	// request ran (the pool was at MaxOpen), WaitDuration the time of
	// those that ended meanwhile.
	WaitCount    int64         `json:"wait_count"`
	WaitDuration time.Duration `json:"wait_ns"`
	// Overlapped reports that another observed request ran at some time
	// during this one, so the waits may be its.
	Overlapped bool `json:"overlapped,omitempty"`
}
