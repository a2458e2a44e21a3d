package toolbar

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// json formats a JSON document indented by two spaces, in its own key
// order, with the value of every object key that looks secret replaced by
// Redacted (a whole object or array included). A document that is cut
// short or invalid is formatted as far as it is valid, and the error says
// why it stops: nothing after that point is shown, so nothing unredacted.
func (r *redactor) json(doc []byte) (string, error) {
	f := jsonFormatter{r: r, dec: json.NewDecoder(bytes.NewReader(doc))}
	f.dec.UseNumber()
	f.enc = json.NewEncoder(&f.out)
	f.enc.SetEscapeHTML(false)
	err := f.value(0)
	if err == nil {
		if _, e := f.dec.Token(); e != io.EOF {
			err = errors.New("data after the JSON value")
		}
	}
	return f.out.String(), err
}

type jsonFormatter struct {
	r   *redactor
	dec *json.Decoder
	enc *json.Encoder
	out bytes.Buffer
}

func (f *jsonFormatter) value(depth int) error {
	tok, err := f.dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		f.scalar(tok)
		return nil
	}
	f.out.WriteByte(byte(d))
	n := 0
	for ; f.dec.More(); n++ {
		if n > 0 {
			f.out.WriteByte(',')
		}
		f.newline(depth + 1)
		if d == '{' {
			tok, err := f.dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			f.scalar(key)
			f.out.WriteString(": ")
			if f.r.secret(key) {
				f.scalar(Redacted)
				if err := f.skip(); err != nil {
					return err
				}
				continue
			}
		}
		if err := f.value(depth + 1); err != nil {
			return err
		}
	}
	if _, err := f.dec.Token(); err != nil { // the closing delimiter
		return err
	}
	if n > 0 {
		f.newline(depth)
	}
	if d == '{' {
		f.out.WriteByte('}')
	} else {
		f.out.WriteByte(']')
	}
	return nil
}

// skip reads past one value without writing it.
func (f *jsonFormatter) skip() error {
	var v json.RawMessage
	return f.dec.Decode(&v)
}

func (f *jsonFormatter) scalar(v any) {
	switch v := v.(type) {
	case json.Number:
		f.out.WriteString(v.String())
	default: // string, bool, nil
		f.enc.Encode(v)
		f.out.Truncate(f.out.Len() - 1) // Encode's newline
	}
}

func (f *jsonFormatter) newline(depth int) {
	f.out.WriteByte('\n')
	for range depth {
		f.out.WriteString("  ")
	}
}
