package datalayers

import (
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

type Post struct {
	ID    uint
	Title string
}

func TestGORM(t *testing.T) {
	gdb, err := openGORM(openPostgres(t))
	must(t, err)
	ctx, got := sqltrace.Capture(t.Context())

	must(t, gdb.WithContext(ctx).AutoMigrate(&Post{}))
	got.Reset() // the statements of a migration vary with GORM's version
	must(t, gdb.WithContext(ctx).Create(&Post{Title: "Hello"}).Error)
	events := recorded(t, got, 1) // in GORM's own transaction
	statement(t, events, sqltrace.KindBegin)
	statement(t, events, sqltrace.KindCommit)

	// Without WithContext, on a goroutine the toolbar follows (a request's).
	_, stop := sqltrace.Follow(t.Context(), "request", got)
	var p Post
	err = gdb.First(&p).Error
	stop()
	must(t, err)
	if events := recorded(t, got, 1); !events[0].NoContext || events[0].Args == nil {
		t.Errorf("the query without a context: NoContext %v, arguments %#v", events[0].NoContext, events[0].Args)
	}
}
