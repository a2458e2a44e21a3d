//go:build go1.27

package sqltrace

import "database/sql/driver"

// rowsColumnScanner forwards driver.RowsColumnScanner (Go 1.27), which
// database/sql calls instead of Next; rows are counted in NextRow.
type rowsColumnScanner struct {
	r   rows
	raw driver.RowsColumnScanner
}

func (s rowsColumnScanner) NextRow() error {
	st := s.r.live()
	if st == nil {
		return errRowsClosed
	}
	start := st.clock()
	err := s.raw.NextRow()
	st.counted(start, err)
	return err
}

func (s rowsColumnScanner) ScanColumn(ctx driver.ScanContext, index int, dest any) error {
	return s.raw.ScanColumn(ctx, index, dest)
}
