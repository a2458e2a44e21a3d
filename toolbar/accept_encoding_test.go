package toolbar

import (
	"net/http/httptest"
	"testing"
)

func TestNarrowAcceptEncoding(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		absent         bool
	}{
		{name: "a browser's list keeps gzip only", in: "gzip, deflate, br, zstd", want: "gzip"},
		{name: "quality values stay", in: "br;q=1.0, gzip;q=0.8, identity;q=0.1", want: "gzip;q=0.8, identity;q=0.1"},
		{name: "gzip alone is left as it is", in: "gzip", want: "gzip"},
		{name: "nothing decodable asks for identity", in: "br, zstd", want: "identity"},
		{name: "a wildcard could pick br, so it goes", in: "*", want: "identity"},
		{name: "an absent header stays absent", absent: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			orig := httptest.NewRequest("GET", "/", nil)
			if !c.absent {
				orig.Header.Set("Accept-Encoding", c.in)
			}
			r := orig.WithContext(t.Context())
			narrowAcceptEncoding(r)
			got, ok := r.Header["Accept-Encoding"]
			if c.absent {
				if ok {
					t.Errorf("Accept-Encoding = %q, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("Accept-Encoding %q became %q, want %q", c.in, got, c.want)
			}
			if orig.Header.Get("Accept-Encoding") != c.in {
				t.Errorf("the server's request was changed too: %q", orig.Header.Get("Accept-Encoding"))
			}
		})
	}
}
