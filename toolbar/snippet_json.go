package toolbar

import (
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// The snippet's data is encoded by hand, once per observed page: it is
// what encoding/json writes for the same values (a test compares them),
// but ASCII only, since the page may be in any charset, and safe inside a
// <script> element (<, > and & escaped, as encoding/json does), without
// reflection or the validation a json.Marshaler's output goes through.

// appendSnippetData appends the data the toolbar's script reads, after
// head (see snippetHead).
func appendSnippetData(b []byte, head []byte, styleNonce string, d *toolbarData) []byte {
	b = append(b, head...)
	if styleNonce != "" {
		b = appendJSONString(append(b, `,"style_nonce":`...), styleNonce)
	}
	return append(d.appendJSON(append(b, `,"record":`...)), '}')
}

// snippetHead is the beginning of every snippet's data: what does not
// change from one page to the next, encoded once.
func snippetHead(prefix, token string, styles []string) []byte {
	b := appendJSONString([]byte(`{"prefix":`), prefix)
	b = appendJSONString(append(b, `,"token":`...), token) // for the POSTs (csrf)
	b = append(b, `,"styles":[`...)
	for i, s := range styles {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSON appends d as encoding/json encodes it.
func (d *toolbarData) appendJSON(b []byte) []byte {
	b = appendJSONString(append(b, `{"id":`...), d.ID)
	b = appendJSONString(append(b, `,"method":`...), d.Method)
	b = appendJSONString(append(b, `,"path":`...), d.Path)
	b = strconv.AppendInt(append(b, `,"status":`...), int64(d.Status), 10)
	b = appendJSONFloat(append(b, `,"duration_ms":`...), d.DurationMS)
	b = strconv.AppendInt(append(b, `,"query_count":`...), int64(d.Queries), 10)
	b = strconv.AppendInt(append(b, `,"alert_count":`...), int64(d.Alerts), 10)
	b = appendJSONString(append(b, `,"level":`...), d.Level)
	if d.TopAlert != "" {
		b = appendJSONString(append(b, `,"top_alert":`...), d.TopAlert)
	}
	if d.Warnings != 0 {
		b = strconv.AppendInt(append(b, `,"warning_count":`...), int64(d.Warnings), 10)
	}
	b = appendJSONString(append(b, `,"summary":`...), d.Summary)
	b = append(b, `,"panels":`...)
	if d.Panels == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, p := range d.Panels {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(append(b, `{"id":`...), p.ID)
			b = appendJSONString(append(b, `,"title":`...), p.Title)
			b = appendJSONString(append(b, `,"summary":`...), p.Summary)
			b = append(appendJSONString(append(b, `,"level":`...), p.Level), '}')
		}
		b = append(b, ']')
	}
	if len(d.RedirectedFrom) > 0 {
		b = append(b, `,"redirected_from":[`...)
		for i, r := range d.RedirectedFrom {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendRedirect(b, r)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendRedirect(b []byte, r panels.Redirect) []byte {
	b = appendJSONString(append(b, `{"id":`...), r.ID)
	b = appendJSONString(append(b, `,"method":`...), r.Method)
	b = appendJSONString(append(b, `,"url":`...), r.URL)
	return append(strconv.AppendInt(append(b, `,"status":`...), int64(r.Status), 10), '}')
}

// appendJSONFloat appends f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0') // encoding/json fails; a duration never is one
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendJSONString appends s quoted, every byte outside printable ASCII,
// and <, > and &, escaped; invalid UTF-8 becomes U+FFFD, as encoding/json
// makes it.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0 // of the run of bytes that need no escape
	for i := plainRun(s, 0); i < len(s); {
		c := s[i]
		if jsonPlain[c] {
			i++ // within 8 bytes of an escape, or of the end
			continue
		}
		b = append(b, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if r > 0xFFFF {
				r1, r2 := utf16.EncodeRune(r)
				b = appendU(appendU(b, r1), r2)
			} else {
				b = appendU(b, r)
			}
		}
		start = i
		i = plainRun(s, i)
	}
	return append(append(b, s[start:]...), '"')
}

// plainRun returns where, from i, the run of 8-byte blocks of s that are
// all jsonPlain ends, telling each block at once (a SWAR test: a byte
// below 0x20 or from 0x80, or equal to ", &, <, > or \, sets the top bit
// of its lane in m, and no lane's test sets another's where all are
// plain).
func plainRun(s string, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		// (y - ones) &^ y sets the top bit where y's byte is 0.
		q := (x | 0x04*ones) ^ 0x26*ones // 0 for " (0x22) or & (0x26)
		a := (x | 0x02*ones) ^ 0x3e*ones // 0 for < (0x3c) or > (0x3e)
		bs := x ^ '\\'*ones              // 0 for \
		m := x | (x-0x20*ones)&^x | (q-ones)&^q | (a-ones)&^a | (bs-ones)&^bs
		if m&highs != 0 {
			break
		}
	}
	return i
}

// jsonPlain marks the bytes a JSON string holds as they are.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

func appendU(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
