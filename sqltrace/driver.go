package sqltrace

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"sync"

	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
)

// Wrap returns a driver that records the operations of d's connections. It
// implements driver.DriverContext exactly when d does.
//
// Wrap the registered instance (sql.Open(name, "").Driver(), or use
// [Open]), not a freshly constructed one: registered instances may carry
// configuration.
//
// Each name the driver is opened with (each DSN) is a database of its own
// for EXPLAIN.
func Wrap(d driver.Driver, opts ...Option) driver.Driver {
	cfg := newConfig(opts)
	cfg.perName = true
	return wrapDriver(d, cfg)
}

func wrapDriver(d driver.Driver, cfg *config) driver.Driver {
	w := &wrappedDriver{raw: d, cfg: cfg}
	if _, ok := d.(driver.DriverContext); ok {
		return &wrappedDriverContext{w}
	}
	return w
}

type wrappedDriver struct {
	raw driver.Driver
	cfg *config
	// byName is, for a driver wrapped by Wrap, the configuration of each
	// database it opened, by name: cfg with the database's id.
	byName sync.Map
}

func (d *wrappedDriver) Open(name string) (driver.Conn, error) {
	c, err := d.raw.Open(name)
	if err != nil {
		return nil, err
	}
	return newConn(c, d.cfgFor(name, nil)), nil
}

// cfgFor is the configuration of the database opened with name: cfg
// itself but for a driver wrapped by Wrap, which registers each name as a
// database the first time it is opened (not on the path of a query).
func (d *wrappedDriver) cfgFor(name string, c driver.Connector) *config {
	if !d.cfg.perName {
		return d.cfg
	}
	if v, ok := d.byName.Load(name); ok {
		return v.(*config)
	}
	cfg := *d.cfg
	cfg.perName = false
	cfg.db = dbregistry.Reserve()
	v, loaded := d.byName.LoadOrStore(name, &cfg)
	if !loaded {
		if c == nil {
			c = &dsnConnector{dsn: name, drv: d.raw}
		}
		drv := fmt.Sprintf("%T", d.raw)
		dbregistry.RegisterConnector(cfg.db, drv, drv, cfg.dialectOf(d.raw, ""), c)
	}
	return v.(*config)
}

func (d *wrappedDriver) unwrapDriver() driver.Driver { return d.raw }

type wrappedDriverContext struct{ *wrappedDriver }

func (d *wrappedDriverContext) OpenConnector(name string) (driver.Connector, error) {
	c, err := d.raw.(driver.DriverContext).OpenConnector(name)
	if err != nil {
		return nil, err
	}
	return wrapConnector(c, d, d.cfgFor(name, c)), nil
}

// WrapConnector returns a connector whose connections record their
// operations. Its Driver method returns the wrapped driver, and it
// implements io.Closer exactly when c does, so that sql.DB.Close closes c.
func WrapConnector(c driver.Connector, opts ...Option) driver.Connector {
	cfg := newConfig(opts)
	cfg.db = dbregistry.Reserve()
	drv := fmt.Sprintf("%T", c.Driver())
	dbregistry.RegisterConnector(cfg.db, drv, drv, cfg.dialectOf(c.Driver(), ""), c)
	return wrapConnector(c, nil, cfg)
}

func wrapConnector(c driver.Connector, d driver.Driver, cfg *config) driver.Connector {
	w := &connector{raw: c, drv: d, cfg: cfg}
	if _, ok := c.(io.Closer); ok {
		return &closerConnector{w}
	}
	return w
}

type connector struct {
	raw     driver.Connector
	drv     driver.Driver // the wrapped driver; built from raw.Driver() when nil
	drvOnce sync.Once     // builds drv, which Driver may be asked for from any goroutine
	cfg     *config
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.raw.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newConn(conn, c.cfg), nil
}

func (c *connector) Driver() driver.Driver {
	c.drvOnce.Do(func() {
		if c.drv == nil {
			c.drv = wrapDriver(c.raw.Driver(), c.cfg)
		}
	})
	return c.drv
}

func (c *connector) unwrapConnector() driver.Connector { return c.raw }

type closerConnector struct{ *connector }

func (c *closerConnector) Close() error { return c.raw.(io.Closer).Close() }
