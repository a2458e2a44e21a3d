// Package dbregistry keeps the databases sqltrace opened, weakly, for the
// toolbar to find (their pool statistics, and the database a recorded
// query ran on).
package dbregistry

import (
	"database/sql"
	"sync"
	"weak"
)

// Database is a database sqltrace opened.
type Database struct {
	Name   string // the driver name given to Open, or the connector's driver type
	Driver string // the driver name given to Open, or the driver's type
	DB     *sql.DB
}

var registry struct {
	mu  sync.Mutex
	dbs []registered
}

type registered struct {
	name, driver string
	db           weak.Pointer[sql.DB]
}

// Register adds db to Databases. Registering one database twice replaces
// its names. Registration does not keep the database alive.
func Register(name, driverName string, db *sql.DB) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	p := weak.Make(db)
	for i := range registry.dbs {
		if registry.dbs[i].db == p {
			registry.dbs[i].name, registry.dbs[i].driver = name, driverName
			return
		}
	}
	registry.dbs = append(registry.dbs, registered{name, driverName, p})
}

// Databases returns the registered databases that are still in use, in
// the order they were registered.
func Databases() []Database {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	var out []Database
	live := registry.dbs[:0]
	for _, r := range registry.dbs {
		if db := r.db.Value(); db != nil {
			out = append(out, Database{Name: r.name, Driver: r.driver, DB: db})
			live = append(live, r)
		}
	}
	clear(registry.dbs[len(live):])
	registry.dbs = live
	return out
}

// Each calls f with each registered database that is still in use, in the
// order they were registered, without allocating: for the toolbar, which
// reads their pool statistics at the start and end of every observed
// request. f must not call Register.
func Each(f func(Database)) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for _, r := range registry.dbs {
		if db := r.db.Value(); db != nil {
			f(Database{Name: r.name, Driver: r.driver, DB: db})
		}
	}
}
