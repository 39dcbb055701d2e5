package capacity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The JSON form of a Result names its format and schema version, so a
// reader knows what it reads; ReadResults refuses other formats and newer
// versions.
const (
	ReportFormat  = "leaklab-conns"
	ReportVersion = 1
)

// header is what the JSON of a Result says about itself, ahead of the
// Result's own fields.
type header struct {
	Format  string `json:"format"`
	Version int    `json:"schema_version"`
}

// WriteJSON writes the result as one JSON object on one line (so it is
// a log's last line): the format and schema version, then the Result's
// fields, the connect-time histogram and the timeline among them:
// everything a merge needs.
func (r Result) WriteJSON(w io.Writer) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	head, err := json.Marshal(header{ReportFormat, ReportVersion})
	if err != nil {
		return err
	}
	// {"format":...,"schema_version":1, + the Result's fields}
	line := append(append(head[:len(head)-1:len(head)-1], ','), body[1:]...)
	_, err = w.Write(append(line, '\n'))
	return err
}

// ReadResults reads the results WriteJSON wrote, one after the other
// (one file, or several concatenated). name says where they come from in
// errors.
func ReadResults(name string, r io.Reader) ([]Result, error) {
	dec := json.NewDecoder(r)
	var out []Result
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		res, err := readResult(raw, err)
		if err != nil {
			return nil, fmt.Errorf("%s: result %d: %w", name, len(out)+1, err)
		}
		out = append(out, res)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no result in it; want the JSON a capacity run writes (Result.WriteJSON)", name)
	}
	return out, nil
}

func readResult(raw json.RawMessage, err error) (Result, error) {
	var h header
	if err == nil && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		err = json.Unmarshal(raw, &h)
	} else if err == nil {
		err = errors.New("is not a JSON object")
	}
	if err != nil {
		return Result{}, fmt.Errorf("%w; want the JSON a capacity run writes (Result.WriteJSON)", err)
	}
	switch {
	case h.Format != ReportFormat:
		return Result{}, fmt.Errorf("has format %q, not %q: not a capacity result", h.Format, ReportFormat)
	case h.Version < 1 || h.Version > ReportVersion:
		return Result{}, fmt.Errorf("has schema version %d; this leaklab reads versions 1 to %d (a newer leaklab wrote it?)", h.Version, ReportVersion)
	}
	var res Result
	if err := json.Unmarshal(raw, &res); err != nil {
		return Result{}, err
	}
	return res, nil
}
