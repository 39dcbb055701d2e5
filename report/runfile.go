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

// WriteJSON writes a run as the JSON document of a run
// (experiments.Document, schema version experiments.SchemaVersion).
func WriteJSON(w io.Writer, s experiments.Suite) error { return s.WriteJSON(w) }

// ReadJSON reads a run: an experiments.Document, or a file of schema
// version 1 (a Report or an array of them, durations in nanoseconds),
// which it upgrades.
func ReadJSON(r io.Reader) (experiments.Suite, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errors.New("empty, not a run")
	}
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	if doc.SchemaVersion > experiments.SchemaVersion {
		return nil, fmt.Errorf("schema version %d is newer than this build reads (%d); read it with a newer build", doc.SchemaVersion, experiments.SchemaVersion)
	}
	if len(doc.Reports) == 0 {
		return nil, errors.New("no reports: not a run")
	}
	for i, rep := range doc.Reports {
		if len(rep.Variants) == 0 {
			return nil, fmt.Errorf("report %d has no variants: not a run", i+1)
		}
	}
	return experiments.Suite(doc.Reports), nil
}

// decodeDocument decodes a Document, upgrading a version 1 file first.
func decodeDocument(data []byte) (experiments.Document, error) {
	var doc experiments.Document
	var probe struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if data[0] == '[' || json.Unmarshal(data, &probe) == nil && probe.SchemaVersion == nil {
		up, err := upgradeV1(data)
		if err != nil {
			return doc, jsonError(data, err)
		}
		data = up
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return doc, jsonError(data, err)
	}
	return doc, nil
}

// jsonError says where the JSON broke, by line.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON at line %d: %w", 1+bytes.Count(data[:syn.Offset], []byte("\n")), err)
	case errors.As(err, &typ):
		return fmt.Errorf("not a run: field %q at line %d holds a %s: %w",
			typ.Field, 1+bytes.Count(data[:typ.Offset], []byte("\n")), typ.Value, err)
	}
	return fmt.Errorf("not a run: %w", err)
}

// ErrNoRun is wrapped by Load when the file does not exist.
var ErrNoRun = errors.New("no such run file")

// Load reads a run file. Its errors name the file and what to do; a
// missing file wraps ErrNoRun.
func Load(path string) (experiments.Suite, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoRun, path)
	}
	if err != nil {
		return nil, fmt.Errorf("open the run file: %w", err)
	}
	defer f.Close()
	s, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
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
