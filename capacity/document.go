package capacity

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The JSON form of a Result names its format and version, so a reader
// knows what it reads; ReadResults refuses other formats and newer
// versions.
const (
	ReportFormat  = "leaklab-conns"
	ReportVersion = 1
)

// document is the JSON form of a Result: its fields, next to the
// format and version.
type document struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Result
}

// ReadResults reads the results WriteJSON wrote, one after the other
// (one file, or several concatenated). name says where they come from in
// errors.
func ReadResults(name string, r io.Reader) ([]Result, error) {
	dec := json.NewDecoder(r)
	var out []Result
	for {
		var d document
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: result %d: %w; want the JSON a capacity run writes (Result.WriteJSON)", name, len(out)+1, err)
		}
		switch {
		case d.Format != ReportFormat:
			return nil, fmt.Errorf("%s: result %d has format %q, not %q: not a capacity result", name, len(out)+1, d.Format, ReportFormat)
		case d.Version < 1 || d.Version > ReportVersion:
			return nil, fmt.Errorf("%s: result %d has version %d; this leaklab reads versions 1 to %d (a newer leaklab wrote it?)", name, len(out)+1, d.Version, ReportVersion)
		}
		out = append(out, d.Result)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no result in it; want the JSON a capacity run writes (Result.WriteJSON)", name)
	}
	return out, nil
}
