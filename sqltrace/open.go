package sqltrace

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
)

// Open opens a database like sql.Open, through the driver registered under
// driverName, with every operation recorded. It uses the registered driver
// instance (so configuration registered with it is kept) and its connector
// where it has one. It registers no new driver name: pass driverName to
// sqlx.NewDb so sqlx picks the right bind type.
//
// The database is listed by [Databases].
func Open(driverName, dsn string, opts ...Option) (*sql.DB, error) {
	tmp, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("sqltrace: %w", err)
	}
	d := tmp.Driver()
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("sqltrace: %w", err)
	}
	cfg := newConfig(opts)
	cfg.db = dbregistry.Reserve()
	var c driver.Connector
	if dc, ok := d.(driver.DriverContext); ok {
		raw, err := dc.OpenConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("sqltrace: %s: %w", driverName, err)
		}
		c = wrapConnector(raw, wrapDriver(d, cfg), cfg)
	} else {
		c = &dsnConnector{dsn: dsn, drv: wrapDriver(d, cfg)}
	}
	db := sql.OpenDB(c)
	dbregistry.Register(cfg.db, driverName, driverName, cfg.dialectOf(d, driverName), db)
	return db, nil
}

// OpenDB opens a database like sql.OpenDB, with every operation of c's
// connections recorded; for connectors such as pgx's stdlib.GetConnector or
// mysql.NewConnector.
func OpenDB(c driver.Connector, opts ...Option) *sql.DB {
	drv := fmt.Sprintf("%T", c.Driver())
	cfg := newConfig(opts)
	cfg.db = dbregistry.Reserve()
	db := sql.OpenDB(wrapConnector(c, nil, cfg))
	dbregistry.Register(cfg.db, drv, drv, cfg.dialectOf(c.Driver(), ""), db)
	return db
}

// dsnConnector is the connector of a driver that has none, as sql.Open
// builds it.
type dsnConnector struct {
	dsn string
	drv driver.Driver
}

func (c *dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c *dsnConnector) Driver() driver.Driver                        { return c.drv }
