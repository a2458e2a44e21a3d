package main

import (
	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// This file is an example of a panel of an app's own (panels.Panel): the
// page records what the panel shows with toolbar.RecordData, and the panel
// reads it back from the record with panels.DataOf, so it works on any
// request of the history, after a restart too. The toolbar is given it
// with toolbar.Config{Panels: append(toolbar.DefaultPanels(), lessonPanel{})}.

// lessonKey is the key the clinic's pages record their lesson under.
const lessonKey = "clinic.lesson"

// lesson is what a clinic page teaches: its pair, which side it is, and
// where its twin is.
type lesson struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	Look  string `json:"look"`
	Fixed bool   `json:"fixed"`
	What  string `json:"what"`
	Twin  string `json:"twin"` // the other side's URL
}

func lessonOf(p Pair, fix bool) lesson {
	l := lesson{N: p.N, Title: p.Title, Look: p.Look, Fixed: fix, What: p.Bad.What, Twin: p.Fix.URL}
	if fix {
		l.What, l.Twin = p.Fix.What, p.Bad.URL
	}
	return l
}

// lessonPanel shows the lesson of a clinic page beside the toolbar's own
// panels.
type lessonPanel struct{}

func (lessonPanel) ID() string    { return "clinic" }
func (lessonPanel) Title() string { return "Clinic" }

// Summary reads "1. N+1 queries, the slow way".
func (lessonPanel) Summary(r *panels.Record) string {
	l, ok := recordedLesson(r)
	if !ok {
		return ""
	}
	return itoa(int64(l.N)) + ". " + l.Title + ", " + side(l.Fixed)
}

// Level is a warning on the slow side of a pair.
func (lessonPanel) Level(r *panels.Record) panels.Severity {
	if l, ok := recordedLesson(r); ok && !l.Fixed {
		return panels.Warning
	}
	return panels.Info
}

func (lessonPanel) Content(r *panels.Record) templ.Component {
	l, ok := recordedLesson(r)
	return lessonContent(l, ok)
}

// recordedLesson is the lesson the request recorded, if any.
func recordedLesson(r *panels.Record) (lesson, bool) {
	ls, err := panels.DataOf[lesson](r, lessonKey)
	if err != nil || len(ls) == 0 {
		return lesson{}, false
	}
	return ls[len(ls)-1], true
}

func side(fixed bool) string {
	if fixed {
		return "the fixed way"
	}
	return "the slow way"
}
