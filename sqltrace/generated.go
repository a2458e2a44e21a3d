package sqltrace

import (
	"bufio"
	"io"
	"os"
	"strings"
	"sync"
)

// generatedFiles caches, per source file, whether it is generated code:
// file name -> bool.
var generatedFiles sync.Map

// generatedFile reports whether the Go source file a frame names is
// generated code (sqlc's queries, ent's client, sqlboiler's models), by
// Go's convention: a line comment "// Code generated ... DO NOT EDIT."
// before the package clause. The file is read once, its head only. A file
// that cannot be read (a binary built with -trimpath, or run away from its
// sources) is not generated.
func generatedFile(name string) bool {
	if name == "" {
		return false
	}
	if v, ok := generatedFiles.Load(name); ok {
		return v.(bool)
	}
	gen := false
	if f, err := os.Open(name); err == nil {
		gen = generatedHead(f)
		f.Close()
	}
	generatedFiles.Store(name, gen)
	return gen
}

// maxHead caps what is read of a file before its package clause (licence
// headers can be long; the marker is seldom past the first lines).
const maxHead = 64 << 10

// generatedHead reports whether the Go source r has the generated-code
// marker before its package clause: a comment line matching
// `^// Code generated .* DO NOT EDIT\.$`, which Go's tools (go vet,
// staticcheck, gopls) and go/ast.IsGenerated recognise. Generators word the
// middle freely: "by sqlc.", "by ent,", "by protoc-gen-go.", "by
// "stringer -type=Kind";". Reading stops at the first line that is neither
// blank nor comment.
func generatedHead(r io.Reader) bool {
	sc := bufio.NewScanner(io.LimitReader(r, maxHead))
	inBlock := false // inside a /* */ comment
	for first := true; sc.Scan(); first = false {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if first {
			line = strings.TrimPrefix(line, "\ufeff") // a byte order mark
		}
		for {
			if inBlock {
				// go/ast also finds the marker on a line of a block comment.
				if isMarker(line) {
					return true
				}
				end := strings.Index(line, "*/")
				if end < 0 {
					break
				}
				inBlock, line = false, line[end+2:]
			}
			line = strings.TrimLeft(line, " \t")
			switch {
			case line == "":
			case strings.HasPrefix(line, "//"):
				if isMarker(line) {
					return true
				}
			case strings.HasPrefix(line, "/*"):
				inBlock, line = true, line[2:]
				continue
			default: // the package clause, or anything else
				return false
			}
			break
		}
	}
	return false
}

// isMarker reports whether a comment line is the generated-code marker.
func isMarker(line string) bool {
	rest, ok := strings.CutPrefix(line, "// Code generated ")
	return ok && strings.HasSuffix(rest, " DO NOT EDIT.")
}
