package memdb_test

import (
	"database/sql"
	"fmt"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
)

func Example() {
	// The benchmarks' database: one row of "a" per query.
	db := sql.OpenDB(&memdb.Connector{})
	defer db.Close()
	var v string
	if err := db.QueryRow("SELECT v FROM t").Scan(&v); err != nil {
		panic(err)
	}
	fmt.Println(v)

	// A driver with none of the optional interfaces: database/sql
	// prepares the query to run it.
	c := &memdb.Connector{Shape: memdb.Min}
	mdb := sql.OpenDB(c)
	defer mdb.Close()
	rows, err := mdb.Query("SELECT n FROM t")
	if err != nil {
		panic(err)
	}
	for rows.Next() {
		var n int64
		rows.Scan(&n)
		fmt.Print(n, " ")
	}
	rows.Close()
	fmt.Println("prepared", c.Prepares())
	// Output:
	// a
	// 1 2 3 prepared 1
}
