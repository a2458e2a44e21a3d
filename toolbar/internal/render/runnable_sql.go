package render

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

// sqlDialect is how a statement's literals are written, told from its
// placeholders: the record does not keep the driver's name.
type sqlDialect uint8

const (
	dialectGeneric   sqlDialect = iota // ?, :name: MySQL, SQLite
	dialectPostgres                    // $1
	dialectSQLServer                   // @p1
)

// runnableSQL returns sql with its placeholders replaced by its arguments
// as literals, for pasting into a development database's console: strings
// quoted with ' doubled, NULL, numbers, booleans, bytes as X'..' ('\x..'
// on PostgreSQL, 0x.. on SQL Server), times as quoted literals. $1, ?1,
// :1 and @p1 name an argument by position; ? takes the next one; :name,
// @name and $name the argument of that name, else the next. A placeholder
// without an argument is left as it is, and ok reports that every
// placeholder was replaced (false too when the arguments were truncated).
func runnableSQL(sql string, args []panels.Arg) (out string, ok bool) {
	d := dialectOf(sql)
	var b strings.Builder
	b.Grow(len(sql) + 16*len(args))
	ok = true
	next, last := 0, 0
	lx := sqllex.New(sql)
	for t, more := lx.Next(); more; t, more = lx.Next() {
		if t.Kind != sqllex.Placeholder {
			continue
		}
		ph := sql[t.Start:t.End]
		i := argIndex(ph, args, &next)
		if i < 0 || i >= len(args) {
			ok = false
			continue
		}
		b.WriteString(sql[last:t.Start])
		b.WriteString(sqlLiteral(args[i].Value, d))
		last = t.End
	}
	b.WriteString(sql[last:])
	return b.String(), ok
}

// dialectOf guesses the dialect from the first numbered placeholder.
func dialectOf(sql string) sqlDialect {
	lx := sqllex.New(sql)
	for t, more := lx.Next(); more; t, more = lx.Next() {
		if t.Kind != sqllex.Placeholder || t.End-t.Start < 2 {
			continue
		}
		switch ph := sql[t.Start:t.End]; {
		case ph[0] == '$' && isDigits(ph[1:]):
			return dialectPostgres
		case ph[0] == '@':
			return dialectSQLServer
		}
	}
	return dialectGeneric
}

// argIndex returns the index of the argument a placeholder names, or the
// next one in order.
func argIndex(ph string, args []panels.Arg, next *int) int {
	body := ph[1:]
	if ph[0] == '@' && len(body) > 1 && (body[0] == 'p' || body[0] == 'P') && isDigits(body[1:]) {
		body = body[1:]
	}
	if body != "" && isDigits(body) {
		n, _ := strconv.Atoi(body)
		*next = n
		return n - 1
	}
	if body != "" {
		for i, a := range args {
			if a.Name != "" && strings.EqualFold(strings.TrimLeft(a.Name, ":@$"), body) {
				return i
			}
		}
	}
	i := *next
	*next++
	return i
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// sqlLiteral writes an argument's value as a literal of dialect d.
func sqlLiteral(v any, d sqlDialect) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return quoteSQL(strconv.FormatFloat(v, 'g', -1, 64)) // 'NaN', 'Infinity': PostgreSQL reads them
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		if d == dialectSQLServer {
			if v {
				return "1"
			}
			return "0"
		}
		if v {
			return "TRUE"
		}
		return "FALSE"
	case []byte:
		h := hex.EncodeToString(v)
		switch d {
		case dialectPostgres:
			return `'\x` + h + `'`
		case dialectSQLServer:
			return "0x" + h
		}
		return "X'" + h + "'"
	case time.Time:
		if d == dialectPostgres {
			return quoteSQL(v.Format("2006-01-02 15:04:05.999999999Z07:00"))
		}
		return quoteSQL(v.Format("2006-01-02 15:04:05.999999"))
	case string:
		return quoteSQL(v)
	}
	return "NULL"
}

// quoteSQL quotes s as a standard SQL string: ' doubled. A NUL, which no
// literal can hold, is dropped.
func quoteSQL(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
