// Package dbregistry keeps the databases sqltrace opened, weakly, for the
// toolbar to find (their pool statistics, and the database a recorded
// query ran on, to EXPLAIN it).
//
// Each database gets an id when it is opened (Reserve), carried by every
// event it records: a small integer, so recording stays free of
// allocation. Ids are never reused within a process, so a record never
// names a database it did not run on; a record kept across a restart may
// name one that is no longer open (Lookup reports false).
package dbregistry

import (
	"database/sql"
	"database/sql/driver"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"weak"
)

// The dialects EXPLAIN knows.
const (
	Postgres = "postgres"
	MySQL    = "mysql" // MariaDB too
	SQLite   = "sqlite"
	Unknown  = "unknown"
)

// Database is a database sqltrace opened.
type Database struct {
	ID      int32  // what events carry; from 1
	Name    string // the driver name given to Open, or the connector's driver type
	Driver  string // the driver name given to Open, or the driver's type
	Dialect string // Postgres, MySQL, SQLite or Unknown
	// DB is the app's pool, when sqltrace opened it (Open, OpenDB); nil
	// for a connector or driver wrapped on its own (WrapConnector, Wrap),
	// whose pool sqltrace never sees: Connector opens connections to the
	// same database then.
	DB        *sql.DB
	Connector driver.Connector
}

var registry struct {
	mu  sync.Mutex
	dbs []registered
}

var lastID atomic.Int32

type registered struct {
	id                    int32
	name, driver, dialect string
	db                    weak.Pointer[sql.DB]
	connector             driver.Connector // the unwrapped connector, when there is no db
}

// Reserve returns a new database id, for a wrapper to carry before the
// database is registered. It returns 0 (unknown) once ids run out.
func Reserve() int32 {
	id := lastID.Add(1)
	if id <= 0 || id > MaxID {
		return 0
	}
	return id
}

// MaxID is the largest id: panels.Query keeps it in 16 bits.
const MaxID = 1<<15 - 1

// Register adds db to Databases under id. Registering one database twice
// replaces its names. Registration does not keep the database alive.
func Register(id int32, name, driverName, dialect string, db *sql.DB) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	p := weak.Make(db)
	for i := range registry.dbs {
		if registry.dbs[i].db == p {
			registry.dbs[i].name, registry.dbs[i].driver = name, driverName
			return
		}
	}
	registry.dbs = append(registry.dbs, registered{id: id, name: name, driver: driverName, dialect: dialect, db: p})
}

// RegisterConnector adds a database known only by its (unwrapped)
// connector, which the registry keeps.
func RegisterConnector(id int32, name, driverName, dialect string, c driver.Connector) {
	if id == 0 {
		return
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.dbs = append(registry.dbs, registered{id: id, name: name, driver: driverName, dialect: dialect, connector: c})
}

// Databases returns the registered databases that are still in use, in
// the order they were registered; those known by a connector only are
// not listed (they have no pool to show).
func Databases() []Database {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	var out []Database
	live := registry.dbs[:0]
	for _, r := range registry.dbs {
		if r.connector != nil {
			live = append(live, r)
			continue
		}
		if db := r.db.Value(); db != nil {
			out = append(out, Database{ID: r.id, Name: r.name, Driver: r.driver, Dialect: r.dialect, DB: db})
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
			f(Database{ID: r.id, Name: r.name, Driver: r.driver, Dialect: r.dialect, DB: db})
		}
	}
}

// Lookup returns the database with the id, if it is still in use.
func Lookup(id int32) (Database, bool) {
	if id == 0 {
		return Database{}, false
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for _, r := range registry.dbs {
		if r.id != id {
			continue
		}
		d := Database{ID: r.id, Name: r.name, Driver: r.driver, Dialect: r.dialect, Connector: r.connector}
		if r.connector == nil {
			if d.DB = r.db.Value(); d.DB == nil {
				return Database{}, false
			}
		}
		return d, true
	}
	return Database{}, false
}

// DialectOf decides a database's dialect from its driver (its type's
// package: pgx's stdlib, lib/pq, go-sql-driver/mysql, modernc.org/sqlite,
// mattn/go-sqlite3) or, failing that, from the driver name it was opened
// with.
func DialectOf(d driver.Driver, driverName string) string {
	if d != nil {
		t := reflect.TypeOf(d)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if dl := dialectOfName(t.PkgPath()); dl != Unknown {
			return dl
		}
	}
	return dialectOfName(driverName)
}

func dialectOfName(s string) string {
	s = strings.ToLower(s)
	switch {
	case s == "":
		return Unknown
	case strings.Contains(s, "pgx"), strings.Contains(s, "lib/pq"), strings.Contains(s, "postgres"), s == "pq", strings.Contains(s, "pgsql"):
		return Postgres
	case strings.Contains(s, "mysql"), strings.Contains(s, "mariadb"):
		return MySQL
	case strings.Contains(s, "sqlite"):
		return SQLite
	}
	return Unknown
}
