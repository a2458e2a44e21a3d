// Package readme reads the README's code blocks, so that the examples'
// tests can check that the README shows their code, word for word.
package readme

import "strings"

// Section returns the part of md from the line heading to the next
// heading of its level or above.
func Section(md, heading string) (string, bool) {
	_, rest, ok := strings.Cut(md, "\n"+heading+"\n")
	if !ok {
		return "", false
	}
	level := strings.Index(heading, " ")
	fenced := false
	for i := 0; i < len(rest); {
		line, _, _ := strings.Cut(rest[i:], "\n")
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if h, _, _ := strings.Cut(line, " "); !fenced && h != "" && strings.Trim(h, "#") == "" && len(h) <= level {
			return rest[:i], true
		}
		i += len(line) + 1
	}
	return rest, true
}

// GoBlocks returns the lines of md's ```go blocks, each without the
// indentation its lines have in common.
func GoBlocks(md string) [][]string {
	var blocks [][]string
	var block []string
	in := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```go":
			in, block = true, nil
		case in && strings.TrimSpace(line) == "```":
			in = false
			blocks = append(blocks, dedent(block))
		case in:
			block = append(block, line)
		}
	}
	return blocks
}

// dedent removes from lines the leading whitespace that all non-blank ones
// share.
func dedent(lines []string) []string {
	prefix := ""
	first := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = indent, false
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimPrefix(l, prefix)
		if strings.TrimSpace(out[i]) == "" {
			out[i] = ""
		}
	}
	return out
}

// ContainsIndented reports whether src has block's lines in a row, each
// after the same leading whitespace (none on a blank line).
func ContainsIndented(src, block []string) bool {
	if len(block) == 0 {
		return true
	}
	for i := 0; i+len(block) <= len(src); i++ {
		indent, ok := strings.CutSuffix(src[i], block[0])
		if !ok || strings.TrimLeft(indent, " \t") != "" {
			continue
		}
		match := true
		for k, l := range block[1:] {
			s := src[i+1+k]
			if l == "" && strings.TrimSpace(s) != "" || l != "" && s != indent+l {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
