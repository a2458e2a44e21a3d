package sqltrace

import (
	"database/sql"
	"sync"
	"weak"
)

// Database is a database known to sqltrace, for showing pool statistics.
type Database struct {
	Name   string // from WithName, or the driver name
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

// Register adds a database opened without [Open] or [OpenDB] to
// [Databases]. Registering one database twice replaces its names.
// Registration does not keep the database alive.
func Register(name, driverName string, db *sql.DB) { register(name, driverName, db) }

func register(name, driverName string, db *sql.DB) {
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

// Databases returns the databases opened with [Open] or [OpenDB], or
// added with [Register], that are still in use, in the order they were
// opened.
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
