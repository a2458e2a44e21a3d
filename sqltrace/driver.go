package sqltrace

import (
	"context"
	"database/sql/driver"
	"io"
	"sync"
)

// Wrap returns a driver that records the operations of d's connections. It
// implements driver.DriverContext exactly when d does.
//
// Wrap the registered instance (sql.Open(name, "").Driver(), or use
// [Open]), not a freshly constructed one: registered instances may carry
// configuration.
func Wrap(d driver.Driver, opts ...Option) driver.Driver {
	return wrapDriver(d, newConfig(opts))
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
}

func (d *wrappedDriver) Open(name string) (driver.Conn, error) {
	c, err := d.raw.Open(name)
	if err != nil {
		return nil, err
	}
	return newConn(c, d.cfg), nil
}

func (d *wrappedDriver) unwrapDriver() driver.Driver { return d.raw }

type wrappedDriverContext struct{ *wrappedDriver }

func (d *wrappedDriverContext) OpenConnector(name string) (driver.Connector, error) {
	c, err := d.raw.(driver.DriverContext).OpenConnector(name)
	if err != nil {
		return nil, err
	}
	return wrapConnector(c, d, d.cfg), nil
}

// WrapConnector returns a connector whose connections record their
// operations. Its Driver method returns the wrapped driver, and it
// implements io.Closer exactly when c does, so that sql.DB.Close closes c.
func WrapConnector(c driver.Connector, opts ...Option) driver.Connector {
	cfg := newConfig(opts)
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
