package toolbar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestSecretNamesAreMatchedByWord(t *testing.T) {
	r := newRedactor([]string{"ssn"})
	for _, name := range []string{
		"password", "Password", "user_password", "userPassword", "newPassword", "PASSWORD_CONFIRM",
		"passwd", "pwd", "db-pwd", "passphrase", "secret", "client_secret", "clientSecret", "token",
		"access_token", "accessToken", "X-Csrf-Token", "refreshToken", "apikey", "api_key", "apiKey",
		"X-Api-Key", "APIKey", "key", "private_key", "privateKey", "access_key", "AccessKey", "auth",
		"X-Auth-Token", "authorization", "Proxy-Authorization", "session", "session_id", "sessionid",
		"cookie", "credentials", "credential", "signature", "X-Amz-Signature", "otp", "totp_code",
		"user[password]", "X-Ssn", "ssn_last4",
	} {
		if !r.secret(name) {
			t.Errorf("%q is not secret", name)
		}
	}
	for _, name := range []string{
		"author", "author_name", "authorId", "keyword", "keywords", "monkey", "turkey_count", "q", "name",
		"email", "id", "description", "passenger", "compass", "tokenizer", "secretary", "sidebar",
		"spinner", "hockey",
	} {
		if r.secret(name) {
			t.Errorf("%q is secret", name)
		}
	}
}

func TestSQLArgumentsAreRedactedByColumn(t *testing.T) {
	r := newRedactor(nil)
	for _, c := range []struct {
		name   string
		query  string
		args   []any
		hidden []int // indexes of the arguments redacted
	}{
		{"an INSERT column list (GORM, sqlx after rebinding)", "INSERT INTO users (name, password) VALUES (?, ?)", []any{"bob", "hunter2"}, []int{1}},
		{"an INSERT with $n placeholders", `INSERT INTO "users" ("name","password") VALUES ($1,$2) RETURNING "id"`, []any{"bob", "hunter2"}, []int{1}},
		{"an INSERT value inside a function call", "INSERT INTO users (name, password_hash) VALUES (?, crypt(?, gen_salt('bf')))", []any{"bob", "hunter2"}, []int{1}},
		{"a multi-row INSERT", "INSERT INTO users (name, api_token) VALUES (?, ?), (?, ?)", []any{"a", "t1", "b", "t2"}, []int{1, 3}},
		{"an INSERT with an ON CONFLICT update", "INSERT INTO users (name, password) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET password = excluded.password", []any{"bob", "pw"}, []int{1}},
		{"MySQL's INSERT ... SET", "INSERT INTO users SET name = ?, password = ?", []any{"bob", "pw"}, []int{1}},
		{"an UPDATE SET with $n", "UPDATE users SET password = $1 WHERE id = $2", []any{"pw", int64(7)}, []int{0}},
		{"an UPDATE SET among others", "UPDATE `users` SET `name` = ?, `password` = ? WHERE `id` = ?", []any{"bob", "pw", int64(7)}, []int{1}},
		{"a WHERE comparison", "SELECT * FROM users WHERE api_token = ?", []any{"tok"}, []int{0}},
		{"a qualified column", "SELECT * FROM users u WHERE u.api_token = ? AND u.name = ?", []any{"tok", "bob"}, []int{0}},
		{"$n out of order", `SELECT * FROM users WHERE "api_token" = $2 AND name = $1`, []any{"bob", "tok"}, []int{1}},
		{"a $n used twice", "SELECT * FROM users WHERE password = $1 OR old_password = $1", []any{"pw"}, []int{0}},
		{"an IN list", "SELECT * FROM sessions WHERE token IN (?, ?)", []any{"a", "b"}, []int{0, 1}},
		{"a reversed comparison", "SELECT * FROM users WHERE ? = password", []any{"pw"}, []int{0}},
		{"harmless columns", "SELECT * FROM posts WHERE author = ? AND keyword = ?", []any{"bob", "go"}, nil},
		{"named placeholders with positional arguments", "SELECT * FROM users WHERE name = :name AND password = :password", []any{"bob", "pw"}, []int{1}},
		{"a named argument bound to a secret column", "SELECT * FROM users WHERE password = @p", []any{sql.Named("p", "pw")}, []int{0}},
		{"a named argument with a secret name", "SELECT * FROM users WHERE x = :password", []any{sql.Named("password", "pw")}, []int{0}},
		{"numbered ? placeholders", "SELECT * FROM users WHERE password = ?2 AND name = ?1", []any{"bob", "pw"}, []int{1}},
		{"MSSQL's @p1", "SELECT * FROM users WHERE name = @p1 AND password = @p2", []any{"bob", "pw"}, []int{1}},
		{"a ? in a string literal is not a placeholder", "SELECT '?', x FROM users WHERE password = ?", []any{"pw"}, []int{0}},
		{"a comment is not SQL", "-- password = ?\nSELECT * FROM users WHERE name = ? /* token = ? */", []any{"bob"}, nil},
		{"a PostgreSQL cast is not a named placeholder", "SELECT * FROM users WHERE name = $1::text AND password = $2", []any{"bob", "pw"}, []int{1}},
		{"a dollar-quoted body hides its ?", "SELECT $$password = ?$$, name FROM users WHERE name = ?", []any{"bob"}, nil},
		{"too few arguments", "UPDATE users SET name = ?, password = ?", []any{"bob"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			orig := slices.Clone(c.args)
			args := r.sqlArgs(c.query, c.args)
			if !slices.Equal(orig, c.args) {
				t.Errorf("the arguments given were changed: %v", c.args)
			}
			var hidden []int
			for i, a := range args {
				if na, ok := a.(sql.NamedArg); ok {
					a = na.Value
				}
				if a == Redacted {
					hidden = append(hidden, i)
				}
			}
			if !slices.Equal(hidden, c.hidden) {
				t.Errorf("redacted %v, want %v: %v", hidden, c.hidden, args)
			}
		})
	}
}

func TestDSNPasswordsAreRedactedInText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"dial postgres://bob:s3cr3t@db:5432/app failed", "dial postgres://bob:" + Redacted + "@db:5432/app failed"},
		{"postgresql://bob:p%40ss@db/app?sslmode=off", "postgresql://bob:" + Redacted + "@db/app?sslmode=off"},
		{"redis://:s3cr3t@cache:6379/0", "redis://:" + Redacted + "@cache:6379/0"},
		{"mongodb+srv://bob:s3cr3t@cluster0.example.net/", "mongodb+srv://bob:" + Redacted + "@cluster0.example.net/"},
		{"bob:s3cr3t@tcp(db:3306)/app?parseTime=true", "bob:" + Redacted + "@tcp(db:3306)/app?parseTime=true"},
		{"host=db user=bob password=s3cr3t dbname=app", "host=db user=bob password=" + Redacted + " dbname=app"},
		{"host=db password='s3 cr\\'et' dbname=app", "host=db password=" + Redacted + " dbname=app"},
		{"Server=db;User Id=bob;Password=s3cr3t;Database=app", "Server=db;User Id=bob;Password=" + Redacted + ";Database=app"},
		{"server=db;pwd=s3cr3t", "server=db;pwd=" + Redacted},
		{"sqlserver://bob:s3cr3t@db?database=app", "sqlserver://bob:" + Redacted + "@db?database=app"},
		{"https://example.com/path?q=1", "https://example.com/path?q=1"},
		{"mailto:bob@example.com", "mailto:bob@example.com"},
		{"bob@example.com wrote", "bob@example.com wrote"},
		{"the password is required", "the password is required"},
		{"", ""},
	} {
		if got := redactText(c.in); got != c.want {
			t.Errorf("redactText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSQLTextKeepsPlaceholdersAndHidesLiteralPasswords(t *testing.T) {
	r := newRedactor(nil)
	for _, c := range []struct{ in, want string }{
		{"UPDATE users SET password = ? WHERE id = ?", "UPDATE users SET password = ? WHERE id = ?"},
		{"UPDATE users SET password = 'hunter2' WHERE id = 1", "UPDATE users SET password = '" + Redacted + "' WHERE id = 1"},
		{"ALTER USER bob WITH PASSWORD 'hunter2'", "ALTER USER bob WITH PASSWORD '" + Redacted + "'"},
		{"CREATE USER bob IDENTIFIED BY 'hunter2'", "CREATE USER bob IDENTIFIED BY '" + Redacted + "'"},
		{"SELECT * FROM dblink('host=db password=hunter2', 'SELECT 1')", "SELECT * FROM dblink('host=db password=" + Redacted + "', 'SELECT 1')"},
		{"SELECT author, keyword FROM posts WHERE author = 'bob'", "SELECT author, keyword FROM posts WHERE author = 'bob'"},
	} {
		if got := r.sqlText(c.in); got != c.want {
			t.Errorf("sqlText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// observe serves r through tb's middleware around h and returns the
// record it kept.
func observe(t *testing.T, tb *Toolbar, h http.HandlerFunc, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	r.RemoteAddr = "127.0.0.1:1"
	w := httptest.NewRecorder()
	tb.Middleware(h).ServeHTTP(w, r)
	if w.Header().Get("X-Debug-Token") == "" {
		t.Fatal("the request was not observed")
	}
	return w
}

// fetch GETs one of the toolbar's own URLs from a loopback client.
func fetch(t *testing.T, tb *Toolbar, path string) string {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("GET %s panicked: %v", path, p)
		}
	}()
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", path, nil)
	r.RemoteAddr = "127.0.0.1:1"
	tb.Middleware(http.NotFoundHandler()).ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
	}
	return w.Body.String()
}

func TestQueryStringSecretsAreRedactedInTheURL(t *testing.T) {
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/login?user=bob&password=hunter2&access_token=abc123xyz&next=%2Fhome;session=s3ss", nil)
	r.Header.Set("Referer", "http://localhost/reset?token=r3set&lang=en")
	w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/welcome?api_key=k3y&tab=1")
		w.WriteHeader(http.StatusFound)
	}, r)
	id := w.Header().Get("X-Debug-Token")
	rec, err := tb.Record(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if want := "/login?user=bob&password=" + Redacted + "&access_token=" + Redacted + "&next=%2Fhome;session=" + Redacted; rec.Request.URL != want {
		t.Errorf("URL = %q, want %q", rec.Request.URL, want)
	}
	var api struct {
		Request struct {
			URL string `json:"url"`
		} `json:"request"`
	}
	page := fetch(t, tb, "/__debug__/api/v1/requests/"+id)
	if err := json.Unmarshal([]byte(page), &api); err != nil || !strings.Contains(api.Request.URL, "user=bob") {
		t.Errorf("JSON request.url = %q (%v)", api.Request.URL, err)
	}
	for _, path := range []string{"/__debug__/api/v1/requests/" + id, "/__debug__/requests/" + id, "/__debug__/requests/" + id + "/panels/request", "/__debug__/requests/" + id + "/panels/response", "/__debug__/", "/__debug__/api/v1/requests"} {
		body := fetch(t, tb, path)
		for _, secret := range []string{"hunter2", "abc123xyz", "s3ss", "r3set", "k3y"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %q", path, secret)
			}
		}
	}
}

func TestDSNPasswordsAreRedactedWhereverTheyAreShown(t *testing.T) {
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/?db=postgres://bob:qs3cr3t@db/app", nil)
	r.Header.Set("X-Upstream", "postgres://bob:hs3cr3t@db/app")
	w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
		col := collectorFrom(r.Context())
		col.Record(sqltrace.Event{Kind: sqltrace.KindExec, SQL: "SELECT dblink_connect(?)", Args: []any{"host=db password=as3cr3t"},
			Err: errors.New(`pq: connect "postgres://bob:es3cr3t@db:5432/app": refused`)})
		RecordCache(r.Context(), CacheEvent{Op: "get", Key: "k", Err: errors.New("dial redis://:cs3cr3t@cache:6379: refused")})
		end := StartSpan(r.Context(), "call")
		end(errors.New("mysql bob:ss3cr3t@tcp(db:3306)/app: refused"))
	}, r)
	id := w.Header().Get("X-Debug-Token")
	for _, path := range []string{"/__debug__/api/v1/requests/" + id, "/__debug__/requests/" + id} {
		body := fetch(t, tb, path)
		for _, secret := range []string{"qs3cr3t", "hs3cr3t", "as3cr3t", "es3cr3t", "cs3cr3t", "ss3cr3t"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %q", path, secret)
			}
		}
		if !strings.Contains(body, "bob:"+Redacted+"@db") {
			t.Errorf("%s shows no redacted DSN", path)
		}
	}
}

// panicky is an error whose Error method panics, as a nil pointer
// receiver's can.
type panicky struct{ p *string }

func (e *panicky) Error() string { return *e.p }

func TestAnErrorWhoseErrorMethodPanicsIsShownAsText(t *testing.T) {
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
		collectorFrom(r.Context()).Record(sqltrace.Event{Kind: sqltrace.KindQuery, SQL: "SELECT 1", Err: &panicky{}})
		RecordCache(r.Context(), CacheEvent{Op: "get", Key: "k", Err: &panicky{}})
		StartSpan(r.Context(), "call")(&panicky{})
	}, httptest.NewRequest("GET", "/", nil))
	id := w.Header().Get("X-Debug-Token")
	for _, p := range []string{"", "/panels/sql", "/panels/cache"} {
		body := fetch(t, tb, "/__debug__/requests/"+id+p)
		if !strings.Contains(body, "(Error() panicked: ") {
			t.Errorf("requests/%s%s does not say the Error method panicked", id, p)
		}
	}
	fetch(t, tb, "/__debug__/requests/"+id+"/panels/timer")
	var api struct {
		Queries []struct {
			Error string `json:"error"`
		} `json:"queries"`
		Cache []struct {
			Err string `json:"err"`
		} `json:"cache"`
		Spans []struct {
			Err string `json:"err"`
		} `json:"spans"`
	}
	if err := json.Unmarshal([]byte(fetch(t, tb, "/__debug__/api/v1/requests/"+id)), &api); err != nil {
		t.Fatal(err)
	}
	if len(api.Queries) != 1 || len(api.Cache) != 1 || len(api.Spans) != 1 {
		t.Fatalf("the JSON has %d queries, %d cache calls and %d spans, want one of each", len(api.Queries), len(api.Cache), len(api.Spans))
	}
	for _, e := range []string{api.Queries[0].Error, api.Cache[0].Err, api.Spans[0].Err} {
		if !strings.HasPrefix(e, "(Error() panicked: ") {
			t.Errorf("error = %q", e)
		}
	}
}

func TestLongValuesAreCappedInTheRecord(t *testing.T) {
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 6<<20)
	r := httptest.NewRequest("POST", "/?q="+strings.Repeat("q", 1<<20), strings.NewReader("body="+big+"&other="+big[:100<<10]+"&"+strings.Repeat("k", 1<<20)+"=v"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Big", big[:1<<20])
	r.RemoteAddr = "127.0.0.1:1"
	w := httptest.NewRecorder()
	// A middleware before the toolbar parses the form, so the app's copy
	// of it is what the record can show.
	http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		tb.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, r)
	}).ServeHTTP(w, r)
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil {
		t.Fatalf("not recorded: %v", err)
	}
	size := len(rec.Request.URL)
	for _, v := range []map[string][]string{rec.Request.Form, rec.Request.Query, rec.Request.Header} {
		for k, vs := range v {
			size += len(k)
			for _, s := range vs {
				size += len(s)
			}
		}
	}
	if size > 256<<10 {
		t.Errorf("the record keeps %d KiB of the request's URL, form, query and headers", size>>10)
	}
	if v := rec.Request.Form.Get("body"); !strings.HasPrefix(v, "xxxx") || !strings.Contains(v, "truncated") {
		t.Errorf("a long form value is not kept cut and marked: %.40q...", v)
	}
}

// brokenPanel's content panics, as a custom panel's bug might.
type brokenPanel struct{}

func (brokenPanel) ID() string                             { return "broken" }
func (brokenPanel) Title() string                          { return "Broken" }
func (brokenPanel) Summary(*panels.Record) string          { return "" }
func (brokenPanel) Level(*panels.Record) panels.Severity   { return panels.Info }
func (brokenPanel) Content(*panels.Record) templ.Component { panic("a bug in a panel") }

func TestAPanicInTheToolbarsOwnPagesIsAnError500(t *testing.T) {
	var logs strings.Builder
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	tb.panels = append(tb.panels, brokenPanel{})
	id := observe(t, tb, func(http.ResponseWriter, *http.Request) {}, httptest.NewRequest("GET", "/", nil)).Header().Get("X-Debug-Token")
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/__debug__/requests/"+id+"/panels/broken", nil)
	r.RemoteAddr = "127.0.0.1:1"
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("the panic reached the server, which cuts the connection: %v", p)
			}
		}()
		tb.Middleware(http.NotFoundHandler()).ServeHTTP(w, r)
	}()
	if w.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "a bug in a panel") {
		t.Errorf("status %d, log %q", w.Code, logs.String())
	}
}

func TestAPanicsTextIsRedacted(t *testing.T) {
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	func() {
		defer func() { recover() }()
		tb.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			panic("connect postgres://bob:ps3cr3t@db/app: refused")
		})).ServeHTTP(w, r)
	}()
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil {
		t.Fatalf("not recorded: %v", err)
	}
	if rec.Panic != "connect postgres://bob:"+Redacted+"@db/app: refused" {
		t.Errorf("panic = %q", rec.Panic)
	}
}

// TestSecretLetters checks secretWord's shortcut: the letter masks cover
// the first and last letters of every secret word and the last of every
// suffix.
func TestSecretLetters(t *testing.T) {
	for w := range secretWords {
		if len(w) < 3 || letterBit(w[0])&secretFirsts == 0 || letterBit(w[len(w)-1])&secretLasts == 0 {
			t.Errorf("secret word %q is not covered by secretFirsts and secretLasts", w)
		}
		if !secretWord(strings.ToUpper(w)) {
			t.Errorf("secretWord(%q) = false", strings.ToUpper(w))
		}
	}
	for _, s := range secretSuffixes {
		if letterBit(s[len(s)-1])&suffixLasts == 0 {
			t.Errorf("secret suffix %q is not covered by suffixLasts", s)
		}
		if !secretWord("my" + s) {
			t.Errorf("secretWord(%q) = false", "my"+s)
		}
	}
	for _, w := range []string{"dur", "desc", "charset", "keyword", "monkey", "author", "max", "age", "k1"} {
		if secretWord(w) {
			t.Errorf("secretWord(%q) = true", w)
		}
	}
}

// TestTheToolbarsServerTimingIsKeptTheAppsRedacted: the Server-Timing
// value the toolbar added goes into the record as it is; one of the app's
// beside it is read for secrets as any header value.
func TestTheToolbarsServerTimingIsKeptTheAppsRedacted(t *testing.T) {
	r := newRedactor(nil)
	own := `total;dur=1.00;desc="Total", debugtoolbar;desc="id"`
	got := r.header(http.Header{"Server-Timing": {`db;desc="token=abc123"`, own}}, own)["Server-Timing"]
	want := []string{`db;desc="token=` + Redacted + `"`, own}
	if !slices.Equal(got, want) {
		t.Errorf("Server-Timing kept as %q, want %q", got, want)
	}
}

// TestPlainHeadersAreNotSecret: the headers header copies without looking
// their names up are the ones the lookup would not find secret, and with
// Config.RedactNames set every name is looked up.
func TestPlainHeadersAreNotSecret(t *testing.T) {
	r := newRedactor(nil)
	for _, k := range []string{"Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Connection", "Content-Length",
		"Content-Type", "Date", "Etag", "Host", "Last-Modified", "User-Agent", "Vary",
		"Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site"} {
		if !plainHeader(k) || r.secret(k) || urlHeader(k) {
			t.Errorf("%s: plain %v, secret %v, a URL %v", k, plainHeader(k), r.secret(k), urlHeader(k))
		}
	}
	for _, k := range []string{"X-Debug-Token", "X-Debug-Token-Link"} { // the toolbar's own: not secrets, though named so
		if !plainHeader(k) {
			t.Errorf("%s is looked up", k)
		}
	}
	if got := newRedactor([]string{"agent"}).header(http.Header{"User-Agent": {"curl"}}, "")["User-Agent"]; !slices.Equal(got, []string{Redacted}) {
		t.Errorf("User-Agent with RedactNames agent kept as %q", got)
	}
}
