package panels

import (
	"sync"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// An app runs a small, fixed set of SQL strings, the same ones request
// after request, so Finish remembers their fingerprints (a record stores
// its own: nothing else computes one). The cache is bounded: past
// fingerprintCacheSize entries, or for long statements, they are computed
// each time.
const (
	fingerprintCacheSize = 4096
	fingerprintCacheMax  = 2048 // longest statement kept
)

var fingerprints struct {
	sync.RWMutex
	m map[string]string
}

// fingerprint is sqltrace.Fingerprint, remembered for short statements.
func fingerprint(sql string) string {
	if len(sql) > fingerprintCacheMax {
		return sqltrace.Fingerprint(sql)
	}
	fingerprints.RLock()
	fp, ok := fingerprints.m[sql]
	fingerprints.RUnlock()
	if ok {
		return fp
	}
	fp = sqltrace.Fingerprint(sql)
	fingerprints.Lock()
	if fingerprints.m == nil {
		fingerprints.m = make(map[string]string)
	}
	if len(fingerprints.m) < fingerprintCacheSize {
		fingerprints.m[sql] = fp
	}
	fingerprints.Unlock()
	return fp
}
