package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/leaklab/leaklab/experiments"
)

// WriteJSON writes a run as indented JSON: the Report of one scenario as
// an object, the reports of several as an array. Both hold the
// configuration and every sample of every variant.
func WriteJSON(w io.Writer, s experiments.Suite) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(s) == 1 {
		return enc.Encode(s[0])
	}
	return enc.Encode(s)
}

// ReadJSON reads a run WriteJSON wrote, an object or an array.
func ReadJSON(r io.Reader) (experiments.Suite, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	var s experiments.Suite
	switch {
	case len(data) == 0:
		return nil, errors.New("empty, not a leaklab run")
	case data[0] == '[':
		err = json.Unmarshal(data, &s)
	default:
		var rep experiments.Report
		err = json.Unmarshal(data, &rep)
		s = experiments.Suite{rep}
	}
	if err != nil {
		return nil, jsonError(data, err)
	}
	for i, rep := range s {
		if len(rep.Variants) == 0 {
			return nil, fmt.Errorf("report %d has no variants: not a run written by leaklab compare -out", i+1)
		}
	}
	return s, nil
}

// jsonError says where the JSON broke, by line.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON at line %d: %w", 1+bytes.Count(data[:syn.Offset], []byte("\n")), err)
	case errors.As(err, &typ):
		return fmt.Errorf("not a leaklab run: field %q at line %d holds a %s: %w",
			typ.Field, 1+bytes.Count(data[:typ.Offset], []byte("\n")), typ.Value, err)
	}
	return fmt.Errorf("not a leaklab run: %w", err)
}

// ErrNoRun is wrapped by Load when the file does not exist.
var ErrNoRun = errors.New("no such run file")

// Load reads a run file. Its errors name the file and what to do; a
// missing file wraps ErrNoRun.
func Load(path string) (experiments.Suite, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s; write one with leaklab compare -out %s", ErrNoRun, path, path)
	}
	if err != nil {
		return nil, fmt.Errorf("open the run file: %w", err)
	}
	defer f.Close()
	s, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; give a file written by leaklab compare -out", path, err)
	}
	return s, nil
}

// Save creates path and writes into it with write; it reports the error
// of the write or of closing the file, and names the file.
func Save(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w; check the directory exists and is writable", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
