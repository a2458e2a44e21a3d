package sqltrace

import "testing"

func TestSameWords(t *testing.T) {
	for _, c := range []struct {
		a, b []uintptr
		want bool
	}{
		{nil, nil, true},
		{nil, []uintptr{}, true},
		{[]uintptr{1, 2, 3}, []uintptr{1, 2, 3}, true},
		{[]uintptr{1, 2, 3}, []uintptr{1, 2}, false},
		{[]uintptr{1, 2, 3}, []uintptr{1, 2, 4}, false},
		{[]uintptr{1 << 60, 2}, []uintptr{0, 2}, false}, // a high byte of the first word
		{[]uintptr{0}, []uintptr{}, false},
	} {
		if got := sameWords(c.a, c.b); got != c.want {
			t.Errorf("sameWords(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
