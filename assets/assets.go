// Package assets holds the toolbar's JavaScript and CSS, embedded, with
// content-hashed names so they can be cached forever.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
	"sync"
)

//go:embed static
var files embed.FS

// FS is the embedded static files, rooted at their directory.
var FS, _ = fs.Sub(files, "static")

var hashed = sync.OnceValues(func() (map[string]string, map[string]string) {
	byName, byHashed := map[string]string{}, map[string]string{}
	fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		h := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		byName[p], byHashed[h] = h, p
		return nil
	})
	return byName, byHashed
})

// Path returns the content-hashed name of a file ("toolbar.js" ->
// "toolbar.3f2a9c0d1e4b.js"), or name itself when there is no such file.
func Path(name string) string {
	byName, _ := hashed()
	if h, ok := byName[name]; ok {
		return h
	}
	return name
}

// Open returns the file behind a content-hashed name, and whether it exists.
func Open(hashedName string) (name string, content []byte, ok bool) {
	_, m := hashed()
	name, ok = m[hashedName]
	if !ok {
		return "", nil, false
	}
	content, err := fs.ReadFile(FS, name)
	return name, content, err == nil
}
