package panels

// SitesOf returns where the fix of a belongs: its Sites, or, for an alert
// that has none, the distinct lines that ran its queries, in the order of
// the queries (at most max, all when max <= 0). An alert about no query and
// with no site (too many queries in one request) has none.
func (r *Record) SitesOf(a *Alert, max int) []Frame {
	if len(a.Sites) > 0 {
		if max > 0 && len(a.Sites) > max {
			return a.Sites[:max]
		}
		return a.Sites
	}
	var out []Frame
	seen := map[Frame]bool{}
	for _, i := range a.Queries {
		if i < 0 || int(i) >= len(r.Queries) {
			continue
		}
		f := r.Caller(r.Queries[i].Stack)
		if f.File == "" || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
		if max > 0 && len(out) == max {
			break
		}
	}
	return out
}
