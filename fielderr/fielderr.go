package fielderr

import (
	"fmt"
	"regexp"
	"strings"
)

// Error is a configuration value that makes no sense, and what to give
// instead.
type Error struct {
	// Field is the Go name of the field, e.g. "MaxConns"; a field of a
	// nested struct is dotted, e.g. "Fixed.Timeout".
	Field string
	// Value is the value refused, as given; nil when the field is missing
	// altogether or the problem is between fields.
	Value any
	// Fix says what is wrong and what to give instead, in words that
	// stand after "Field Value: ". It names other fields by their Go
	// names.
	Fix string
}

// New returns an *Error for field, value and fix.
func New(field string, value any, fix string) error {
	return &Error{Field: field, Value: value, Fix: fix}
}

// Error is "Field Value: Fix", e.g. `MaxConns -1: give 0 or more`; a
// string value is quoted.
func (e *Error) Error() string { return e.Named(e.Field) }

// Named is the message with name in place of the field, e.g.
// Named("-max-conns") is `-max-conns -1: give 0 or more`.
func (e *Error) Named(name string) string {
	if e.Value == nil {
		return name + ": " + e.Fix
	}
	return name + " " + formatValue(e.Value) + ": " + e.Fix
}

// Rename returns the message with every field, the one refused and the
// ones its fix names, under the name names gives it; fields missing from
// names keep their Go names.
func (e *Error) Rename(names map[string]string) string {
	field, ok := names[e.Field]
	if !ok {
		field = e.Field
	}
	r := *e
	r.Fix = renameWords(e.Fix, names)
	return r.Named(field)
}

// renameWords replaces each whole-word Go field name in s by its name in
// names.
func renameWords(s string, names map[string]string) string {
	if len(names) == 0 {
		return s
	}
	quoted := make([]string, 0, len(names))
	for k := range names {
		quoted = append(quoted, regexp.QuoteMeta(k))
	}
	re := regexp.MustCompile(`\b(` + strings.Join(quoted, "|") + `)\b`)
	return re.ReplaceAllStringFunc(s, func(w string) string { return names[w] })
}

func formatValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}
