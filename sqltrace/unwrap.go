package sqltrace

import "database/sql/driver"

// Unwrap returns the driver's own value behind one of sqltrace's wrappers: a
// driver.Conn (as (*sql.Conn).Raw hands it out), driver.Stmt, driver.Rows,
// driver.Driver or driver.Connector. Any other value is returned as it is.
//
//	err := conn.Raw(func(dc any) error {
//		pc := sqltrace.Unwrap(dc).(*stdlib.Conn).Conn() // the *pgx.Conn
//		...
//	})
func Unwrap(v any) any {
	switch w := v.(type) {
	case interface{ unwrapConn() driver.Conn }:
		return w.unwrapConn()
	case interface{ unwrapStmt() driver.Stmt }:
		return w.unwrapStmt()
	case interface{ unwrapRows() driver.Rows }:
		return w.unwrapRows()
	case interface{ unwrapDriver() driver.Driver }:
		return w.unwrapDriver()
	case interface{ unwrapConnector() driver.Connector }:
		return w.unwrapConnector()
	}
	return v
}
