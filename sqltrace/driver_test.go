package sqltrace_test

import (
	"database/sql/driver"
	"sync"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// TestAConnectorsDriverIsSafeForConcurrentUse calls Driver from many
// goroutines, as database/sql and an app may (run it with -race).
func TestAConnectorsDriverIsSafeForConcurrentUse(t *testing.T) {
	c := sqltrace.WrapConnector(&memdb.Connector{Shape: memdb.Full})
	drivers := make([]driver.Driver, 8)
	var wg sync.WaitGroup
	for i := range drivers {
		wg.Go(func() { drivers[i] = c.Driver() })
	}
	wg.Wait()
	for i, d := range drivers {
		if d != drivers[0] {
			t.Fatalf("Driver call %d returned another wrapper", i)
		}
	}
}
