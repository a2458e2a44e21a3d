package render

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// minGroup is how many statements of one shape make a group: one row
// "×200" with their total and slowest time, expandable to the rows. Fewer
// (a short run reads well row by row)
// stay rows of their own, marked "similar ×3".
const minGroup = 10

// maxInlineStacks is how many of the list's items carry their stack in
// the fragment; the others' stacks are fetched when opened (the full page
// shows them all).
const maxInlineStacks = 30

// sqlItem is one entry of the SQL list: a query, or a group of similar
// ones.
type sqlItem struct {
	Row   *queryRow
	Group *queryGroup
}

// queryGroup is the statements of one shape, run minGroup or more times.
type queryGroup struct {
	Head       *queryRow // the first, whose SQL and stack stand for all
	Rows       []*queryRow
	Total, Max time.Duration
	Class      string
	Alert      bool // a member has an alert, an error or a duplicate
}

// queryExtra is what a row shows beyond the formatted SQL: the statement
// and its arguments collapsed when long, what the copy buttons copy, and
// its stack in runs of app and library frames.
type queryExtra struct {
	// TokensRest are the lines past maxSQLLines, RestLines how many.
	TokensRest []sqlToken
	RestLines  int
	// FullSQL is the whole statement when lists were cut from Tokens
	// (Hidden items), else "".
	FullSQL  string
	Hidden   int
	ArgView  []argView
	ArgRest  string
	ArgRestN int
	// Runnable is the SQL with the arguments inlined as literals.
	Runnable   string
	RunnableOK bool
	Runs       []frameRun
	StackIdx   int32
	// InlineStack: the stack is in the fragment, not fetched when opened.
	InlineStack bool
	// Member of a group; SameStack: its stack is its group head's.
	Member, SameStack bool
	HasAlert          bool
}

// setExtra fills what queryExtra holds for the row of q.
func (row *queryRow) setExtra(q *panels.Query, args []panels.Arg) {
	if q.SQL != "" {
		shown, hidden := collapseLists(q.SQL)
		if hidden > 0 {
			row.FullSQL, row.Hidden = q.SQL, hidden
		}
		row.Tokens, row.TokensRest, row.RestLines = splitLines(formatSQL(shown), maxSQLLines)
		row.Runnable, row.RunnableOK = runnableSQL(q.SQL, args)
		if q.ArgsTruncated || q.SQLTruncated {
			row.RunnableOK = false
		}
	}
	row.ArgView, row.ArgRest, row.ArgRestN = argViews(args)
	row.Runs = stackRuns(row.Stack)
	row.StackIdx = q.Stack
	row.HasAlert = len(row.Badges) > 0 || q.Err != "" || row.DuplicateN > 1
}

// groupRows returns the list's items: each shape run minGroup or more
// times is one group at the place of its first statement. It marks which
// items carry their stack inline.
func groupRows(r *panels.Record, rows []queryRow) []sqlItem {
	groupOf := make(map[int32]*queryGroup)
	for i := range r.Shapes {
		if len(r.Shapes[i].Queries) >= minGroup {
			groupOf[int32(i)] = nil
		}
	}
	items := make([]sqlItem, 0, len(rows))
	inline := 0
	for i := range rows {
		row := &rows[i]
		q := row.Query
		g, grouped := groupOf[q.Shape]
		if !grouped || q.Shape < 0 {
			if len(row.Runs) > 0 && inline < maxInlineStacks {
				row.InlineStack = true
				inline++
			}
			items = append(items, sqlItem{Row: row})
			continue
		}
		if g == nil {
			g = &queryGroup{Head: row, Class: "dt-query dt-query-group " + groupClass(row.Similar)}
			groupOf[q.Shape] = g
			items = append(items, sqlItem{Group: g})
			if len(row.Runs) > 0 && inline < maxInlineStacks {
				row.InlineStack = true
				inline++
			}
		}
		row.Member = true
		row.SameStack = q.Stack == g.Head.Query.Stack
		g.Rows = append(g.Rows, row)
		g.Total += q.Duration
		g.Max = max(g.Max, q.Duration)
		g.Alert = g.Alert || row.HasAlert
	}
	return items
}

// rowAttrs are the data the SQL list's filters and sorting read.
func rowAttrs(q *queryRow) templ.Attributes {
	a := templ.Attributes{
		"data-n":   strconv.Itoa(q.N),
		"data-dur": strconv.FormatInt(q.Query.Duration.Microseconds(), 10),
	}
	if q.Query.Kind == sqltrace.KindExec {
		a["data-write"] = "1"
	}
	if q.HasAlert {
		a["data-alert"] = "1"
	}
	return a
}

// groupAttrs are rowAttrs for a group: its total time, its first number.
func groupAttrs(g *queryGroup) templ.Attributes {
	a := templ.Attributes{
		"data-n":     strconv.Itoa(g.Head.N),
		"data-dur":   strconv.FormatInt(g.Total.Microseconds(), 10),
		"data-count": strconv.Itoa(len(g.Rows)),
		"data-kind":  g.Head.Query.Kind.String(),
	}
	if g.Head.Query.Kind == sqltrace.KindExec {
		a["data-write"] = "1"
	}
	if g.Alert {
		a["data-alert"] = "1"
	}
	if g.Head.Similar >= 0 {
		a["data-similar-group"] = strconv.Itoa(g.Head.Similar)
	}
	return a
}

// stackURL is where the toolbar fetches a stack of record id when it is
// opened.
func stackURL(ctx context.Context, id string, stack int32) string {
	p := optionsOf(ctx).Prefix
	if p == "" {
		p = "/__debug__/"
	}
	return p + "requests/" + id + "/stacks/" + strconv.Itoa(int(stack))
}

// inlineStack reports whether a row's stack is rendered with it.
func inlineStack(ctx context.Context, q *queryRow) bool {
	return len(q.Runs) > 0 && (q.InlineStack || inFullPage(ctx))
}

// runnableTitle says what Copy runnable copies, and when it is not quite
// that.
func runnableTitle(q *queryRow) string {
	s := "Copy the SQL with its arguments inlined as literals, to run on a development database"
	if !q.RunnableOK {
		s += " (not every placeholder had an argument: some are left as they are)"
	}
	if strings.ContainsRune(q.Runnable, '\\') {
		s += ". Backslashes are left as standard SQL reads them (MySQL without NO_BACKSLASH_ESCAPES does not)"
	}
	return s
}

func durText(d time.Duration) string { return formatDuration(d) }

// recordID is the id of the record being rendered.
func (o Options) recordID(ctx context.Context) string {
	id, _ := ctx.Value(recordIDKey{}).(string)
	return id
}

type recordIDKey struct{}

// withRecordID renders c knowing the id of its record, for the URLs of
// the stacks it fetches when opened.
func withRecordID(id string, c templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return c.Render(context.WithValue(ctx, recordIDKey{}, id), w)
	})
}

// memberArgs is a group member's arguments on one line, the first few.
func memberArgs(q *queryRow) string {
	var b strings.Builder
	for i, a := range q.ArgView {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(cutText(a.Text, 40))
	}
	if q.ArgRestN > 0 {
		b.WriteString(", +" + strconv.Itoa(q.ArgRestN) + " more")
	}
	return b.String()
}
