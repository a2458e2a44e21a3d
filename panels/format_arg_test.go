package panels_test

import (
	"database/sql"
	"net"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestFormatArg(t *testing.T) {
	tests := []struct {
		name string
		arg  any
		want string
	}{
		{"NULL is NULL", nil, "NULL"},
		{"a string is quoted", `it's "x"`, `"it's \"x\""`},
		{"the string NULL is not NULL", "NULL", `"NULL"`},
		{"bytes are hex", []byte{0xca, 0xfe}, "x'cafe'"},
		{"an int64 is its digits", int64(-42), "-42"},
		{"a float64 is its shortest form", 2.5, "2.5"},
		{"a bool is true or false", true, "true"},
		{"a time is RFC 3339", time.Date(2024, 1, 2, 3, 4, 5, 600, time.UTC), "2024-01-02T03:04:05.0000006Z"},
		{"a named argument is name=value", sql.Named("id", int64(7)), "id=7"},
		{"a named NULL is name=NULL", sql.Named("note", nil), "note=NULL"},
		{"a driver's own value reads as it prints", net.ParseIP("10.0.0.1"), "10.0.0.1"},
		{"a driver's array reads as it prints", []int64{1, 3}, "[1 3]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := panels.FormatArg(tt.arg); got != tt.want {
				t.Errorf("FormatArg(%#v) = %s, want %s", tt.arg, got, tt.want)
			}
		})
	}
}
