package vetutil

import (
	"fmt"
	"strings"
)

// Doc returns the documentation of analyzer name from the source of its
// doc.go: the text after the "# Analyzer name" heading of the package
// comment, without the "name: " that starts it, so the comment and the
// Analyzer's Doc are one text (as in golang.org/x/tools/go/analysis/passes).
// It panics if the heading is
// missing, which a test of each analyzer catches.
func Doc(src, name string) string {
	var lines []string
	for _, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(l, "package ") {
			break
		}
		l = strings.TrimPrefix(l, "//")
		lines = append(lines, strings.TrimPrefix(l, " "))
	}
	text := strings.Join(lines, "\n")
	_, after, ok := strings.Cut(text, "# Analyzer "+name+"\n")
	if !ok {
		panic(fmt.Sprintf("doc.go of %s has no \"# Analyzer %s\" heading", name, name))
	}
	// The section opens with "name: summary"; the Doc is "summary...".
	return strings.TrimPrefix(strings.TrimSpace(after), name+": ")
}
