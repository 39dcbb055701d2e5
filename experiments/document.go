package experiments

import (
	"encoding/json"
	"io"
)

// SchemaVersion is the version of Document. Version 2 holds any number
// of reports in one object and writes durations as float seconds under
// _seconds names. Version 1, which had no schema_version field, was a
// bare Report (or an array of them) with durations in nanoseconds, and
// the one-scenario JSON output was a bare array of variants.
const SchemaVersion = 2

// Document is the JSON document of a run, the one schema for every JSON
// output of a comparison: the version, then one Report per scenario, in
// the order they ran, each with its Config (the settings), its timing and
// its variants (figures, verdict and every census sample). The schema is
// described field by field in docs/RUN-FORMAT.md.
type Document struct {
	SchemaVersion int      `json:"schema_version"`
	Reports       []Report `json:"reports"`
}

// WriteJSON writes the suite as an indented Document.
func (s Suite) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	reports := []Report(s)
	if reports == nil {
		reports = []Report{}
	}
	return enc.Encode(Document{SchemaVersion: SchemaVersion, Reports: reports})
}
