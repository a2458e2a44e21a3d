package pgxtrace

import (
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
)

// databases numbers the databases a tracer's connections reach, so that
// their events carry [sqltrace.Event.DB] and the toolbar can EXPLAIN a
// query pgx ran: each is registered with a connector built from the
// connection's config (through pgx's database/sql driver), from which the
// toolbar opens a small pool of its own when it explains. The app's pool
// is never used for that: pgxpool's acquire hook has no way to mark a
// connection as the toolbar's.
type databases struct{ byKey sync.Map } // server, database, user -> int32

// of returns the id of conn's database, registering it the first time,
// and remembers it in st (the connection's state, written only by the
// connection's user).
func (d *databases) of(conn *pgx.Conn, st *connState) int32 {
	if st.db != 0 {
		return st.db
	}
	cfg := conn.Config() // a copy
	key := cfg.Host + ":" + strconv.Itoa(int(cfg.Port)) + "/" + cfg.Database + "?user=" + cfg.User
	if v, ok := d.byKey.Load(key); ok {
		st.db = v.(int32)
		return st.db
	}
	id := dbregistry.Reserve()
	if v, loaded := d.byKey.LoadOrStore(key, id); loaded {
		id = v.(int32)
	} else {
		dbregistry.RegisterConnector(id, "pgx", "pgx", dbregistry.Postgres, stdlib.GetConnector(*cfg))
	}
	st.db = id
	return id
}
