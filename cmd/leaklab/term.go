package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal: the live panel redraws in
// place and charts use colour only there, never in a pipe or a CI log.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// colourOK reports whether w is a terminal and NO_COLOR is not set.
func colourOK(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == ""
}
