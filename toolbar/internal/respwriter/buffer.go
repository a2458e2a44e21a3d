package respwriter

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"sync"
)

// maxPooled is the largest buffer kept for reuse; the rare bigger page's
// buffer goes back to the GC, so the pool never pins much memory.
const maxPooled = 1 << 20

// buffers recycles held bodies across responses: a 100 KB page otherwise
// costs more in allocation and GC than in copying. A buffer goes back only
// after the inner writer's Write returned, which must not retain it.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

// buffer is a pooled byte slice: b is used and grown freely, and give puts
// what it grew into back in the pool.
type buffer struct {
	box *[]byte
	b   []byte
}

func (p *buffer) take() {
	if p.box == nil {
		p.box = buffers.Get().(*[]byte)
		p.b = (*p.box)[:0]
	}
}

// grow makes room for n more bytes, to at least size bytes in all.
func (p *buffer) grow(n, size int) {
	p.take()
	if cap(p.b)-len(p.b) >= n {
		return
	}
	p.b = slices.Grow(p.b, max(n, size-len(p.b)))
}

func (p *buffer) give() {
	if p.box != nil && cap(p.b) <= maxPooled {
		*p.box = p.b[:0]
		buffers.Put(p.box)
	}
	*p = buffer{}
}

func (p *buffer) Write(b []byte) (int, error) {
	p.take()
	p.b = append(p.b, b...)
	return len(b), nil
}

var (
	gzipReaders sync.Pool // of *gzip.Reader
	// BestSpeed: the page is re-encoded on every observed request, and the
	// toolbar runs next to the developer, where bandwidth is not the cost.
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return zw
	}}
)

var errOverCap = errors.New("body over cap")

// gunzip decodes a whole gzip body into dst, of at most max bytes decoded: a
// compressed page must not make the toolbar hold more than a plain one.
func gunzip(dst *buffer, src []byte, max int) error {
	r := bytes.NewReader(src)
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	if zr == nil {
		var err error
		if zr, err = gzip.NewReader(r); err != nil {
			return err
		}
	} else if err := zr.Reset(r); err != nil {
		gzipReaders.Put(zr)
		return err
	}
	defer gzipReaders.Put(zr)
	for {
		dst.grow(4<<10, 3*len(src))
		n, err := zr.Read(dst.b[len(dst.b):min(cap(dst.b), len(dst.b)+max+1)])
		dst.b = dst.b[:len(dst.b)+n]
		if len(dst.b) > max {
			return errOverCap
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// gzipTo encodes the pieces, one after the other, as one gzip member into
// dst.
func gzipTo(dst *buffer, pieces [][]byte) error {
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	dst.grow(n/3+64, 0)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(dst)
	for _, p := range pieces {
		if _, err := zw.Write(p); err != nil {
			return err
		}
	}
	return zw.Close()
}
