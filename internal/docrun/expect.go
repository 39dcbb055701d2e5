package docrun

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
)

// Env is what an expect expression sees of a run's output.
type Env struct {
	// Row holds every table row by its first cell, then by column header:
	// a cell that starts with a number is that number, others are text.
	Row map[string]map[string]any `expr:"row"`
	// Cell is Row with every cell as text.
	Cell map[string]map[string]string `expr:"cell"`
	// KV holds the last number given as "Name: N" or "name=N".
	KV map[string]float64 `expr:"kv"`

	text []string
}

var (
	leadNumRE = regexp.MustCompile(`^-?\d+(?:\.\d+)?`)
	kvRE      = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_-]*)(?:=|: )(-?\d+(?:\.\d+)?)`)
)

// NewEnv reads the tables and counters out of a run's output.
func NewEnv(out string) *Env {
	e := &Env{Row: map[string]map[string]any{}, Cell: map[string]map[string]string{}, KV: map[string]float64{}}
	e.text = strings.Split(strings.TrimRight(out, "\n"), "\n")
	var cols []string
	for i, l := range e.text {
		for _, m := range kvRE.FindAllStringSubmatch(l, -1) {
			if v, err := strconv.ParseFloat(m[2], 64); err == nil {
				e.KV[m[1]] = v
			}
		}
		if !strings.HasPrefix(l, "│") {
			continue
		}
		cells := splitCells(l)
		if i > 0 && strings.HasPrefix(e.text[i-1], "┌") {
			cols = cells
			continue
		}
		if len(cells) == 0 {
			continue
		}
		key := cells[0]
		if e.Row[key] == nil {
			e.Row[key], e.Cell[key] = map[string]any{}, map[string]string{}
		}
		for j, c := range cells {
			name := strconv.Itoa(j)
			if j < len(cols) {
				name = cols[j]
			}
			e.Cell[key][name] = c
			if n := leadNumRE.FindString(c); n != "" {
				v, _ := strconv.ParseFloat(n, 64)
				e.Row[key][name] = v
			} else {
				e.Row[key][name] = c
			}
		}
	}
	return e
}

func splitCells(l string) []string {
	parts := strings.Split(strings.Trim(l, "│"), "│")
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.TrimSpace(p)
	}
	return out
}

// Re is the number the first group of pattern captures in the first line
// that matches.
func (e *Env) Re(pattern string) (float64, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return 0, err
	}
	if re.NumSubexp() < 1 {
		return 0, fmt.Errorf("re(%q): the pattern needs a group ( ) around the number", pattern)
	}
	for _, l := range e.text {
		if m := re.FindStringSubmatch(l); m != nil {
			return strconv.ParseFloat(m[1], 64)
		}
	}
	return 0, fmt.Errorf("re(%q): no line matches", pattern)
}

// Nums are the numbers the first group of pattern captures, in every
// match of every line.
func (e *Env) Nums(pattern string) ([]float64, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	if re.NumSubexp() < 1 {
		return nil, fmt.Errorf("nums(%q): the pattern needs a group ( ) around the number", pattern)
	}
	var out []float64
	for _, l := range e.text {
		for _, m := range re.FindAllStringSubmatch(l, -1) {
			v, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("nums(%q): no line matches", pattern)
	}
	return out, nil
}

// Count is the number of lines that match pattern.
func (e *Env) Count(pattern string) (int, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range e.text {
		if re.MatchString(l) {
			n++
		}
	}
	return n, nil
}

// Eval says whether the expression holds for the output.
func (e *Env) Eval(src string) (bool, error) {
	// onPattern is a function of one string argument, the pattern.
	onPattern := func(f func(pattern string) (any, error)) func(...any) (any, error) {
		return func(args ...any) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("want one pattern")
			}
			p, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("the pattern is %T, want a string", args[0])
			}
			return f(p)
		}
	}
	opts := []expr.Option{
		expr.Env(e), expr.AsBool(),
		expr.Function("re", onPattern(func(p string) (any, error) { return e.Re(p) }), new(func(string) float64)),
		expr.Function("nums", onPattern(func(p string) (any, error) { return e.Nums(p) }), new(func(string) []float64)),
		expr.Function("count", onPattern(func(p string) (any, error) { return e.Count(p) }), new(func(string) int)),
		expr.Function("has", onPattern(func(p string) (any, error) {
			n, err := e.Count(p)
			return n > 0, err
		}), new(func(string) bool)),
	}
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return false, fmt.Errorf("expect %q: %w", src, err)
	}
	v, err := expr.Run(prog, e)
	if err != nil {
		return false, fmt.Errorf("expect %q: %w", src, err)
	}
	return v.(bool), nil
}
