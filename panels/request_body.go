package panels

// RequestBody is what the app read of a request's body, as the toolbar
// kept it while the app read it: never more than the app read, at most
// the toolbar's cap (Config.MaxRequestBodyBytes), redacted like the rest
// of the record. A url-encoded or multipart body's fields are in
// Request.Form.
type RequestBody struct {
	ContentType string `json:"content_type"` // the request's Content-Type header
	// Read is how many bytes of the body the app read; 0 when it read
	// none (then nothing was kept, and the body was left to the app).
	Read int64 `json:"read"`
	// Truncated reports that the app read more than the cap: Text, Form
	// and Files show the first bytes only.
	Truncated bool `json:"truncated"`
	// Text is the body as text: JSON indented, the values of keys that
	// look secret redacted; other text as read. Empty for forms, whose
	// fields are in Request.Form, and for binary bodies.
	Text string `json:"text"`
	// Note says what Text is when it is not the whole body as sent:
	// "binary", "not valid JSON: ...".
	Note string `json:"note"`
	// Files are a multipart body's files, by name and size only.
	Files []FormFile `json:"files"`
}

// FormFile is a file in a multipart body.
type FormFile struct {
	Field       string `json:"field"` // the form field's name
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	// Size is how many bytes of the file the body held; when the body
	// was truncated within it, the bytes that were kept.
	Size int64 `json:"size"`
}
