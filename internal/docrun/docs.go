package docrun

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Options say how Process treats a document's markers.
type Options struct {
	Bin  string // directory with the leaklab binary, put first in PATH
	Root string // the repository's root, where cwd: repo markers run
	// ModuleDir is a directory inside the module where a document with
	// file: blocks gets its work directory, the files written in it
	// ("": the system's temporary directory).
	ModuleDir string
	Quick     bool           // run the quick forms
	Write     bool           // rewrite each block with its fresh output
	Check     bool           // compare each block with its fresh output
	Match     *regexp.Regexp // only the markers whose script matches (nil: all)
	Skip      *regexp.Regexp // not the markers whose script matches (nil: none)
	Timeout   time.Duration  // per script when a marker names none
	Log       io.Writer      // one line per block (nil: none)
}

// Result is what became of one marker.
type Result struct {
	Marker   *Marker
	Lines    []string // the fresh block
	Problems []Problem
	Err      error // the script could not run as it should
	Elapsed  time.Duration
	Skipped  bool
}

// Failed says whether the result should fail a check.
func (r Result) Failed() bool { return r.Err != nil || len(r.Problems) > 0 }

// Process runs the markers of the document text in order, in a work
// directory of its own, and returns the text with the blocks rewritten
// (when opt.Write) and what became of each marker. A block whose run
// failed or broke a claim is left as it was.
func Process(ctx context.Context, doc, text string, opt Options) (string, []Result, error) {
	markers, err := Parse(doc, text)
	if err != nil {
		return text, nil, err
	}
	files, err := Files(doc, text)
	if err != nil {
		return text, nil, err
	}
	// A document with Go files runs inside the module (opt.ModuleDir), so
	// that its blocks can build them with go test as a reader would.
	parent := ""
	if len(files) > 0 {
		parent = opt.ModuleDir
	}
	dir, err := os.MkdirTemp(parent, "docrun-")
	if err != nil {
		return text, nil, err
	}
	defer os.RemoveAll(dir)
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return text, nil, err
		}
		if err := os.WriteFile(p, []byte(f.Text), 0o644); err != nil {
			return text, nil, err
		}
	}
	r := &Runner{Bin: opt.Bin, Dir: dir, Timeout: opt.Timeout}
	lines := strings.Split(text, "\n")
	var results []Result
	producerSame, producerSkipped := true, false
	for _, m := range markers {
		if m.File != "" {
			continue
		}
		res := Result{Marker: m}
		start := time.Now()
		var out string
		same := !opt.Quick || m.SameForm()
		switch {
		case m.Run != nil && (!opt.selects(m) || opt.Quick && m.NoQuick):
			res.Skipped, producerSkipped = true, true
		case m.Run != nil:
			producerSkipped = false
			run := *r
			if m.InRepo {
				run.Dir = opt.Root
			}
			out, res.Err = run.Run(ctx, m.Script(opt.Quick), m.Prompt, m.DropStderr, m.Timeout)
			producerSame = same
		default:
			same = producerSame
			b, err := os.ReadFile(filepath.Join(dir, m.From))
			switch {
			case os.IsNotExist(err) && producerSkipped:
				res.Skipped = true
			case err != nil:
				res.Err = fmt.Errorf("from: %w (an earlier block of this document must leave it)", err)
			default:
				out = string(b)
			}
		}
		if !res.Skipped && res.Err == nil {
			res.Lines = m.Lines(out)
			env := NewEnv(out)
			for _, e := range m.Expect {
				ok, err := env.Eval(e)
				switch {
				case err != nil:
					res.Problems = append(res.Problems, Problem{"expect", err.Error()})
				case !ok:
					res.Problems = append(res.Problems, Problem{"expect", fmt.Sprintf("%s does not hold", e)})
				}
			}
			if opt.Check {
				res.Problems = append(res.Problems, m.Compare(lines[m.Start:m.End], res.Lines, same)...)
			}
		}
		res.Elapsed = time.Since(start)
		logResult(opt.Log, res)
		results = append(results, res)
	}
	if opt.Write {
		for i := len(results) - 1; i >= 0; i-- {
			res := results[i]
			if res.Skipped || res.Failed() {
				continue
			}
			m := res.Marker
			lines = append(lines[:m.Start], append(append([]string{}, res.Lines...), lines[m.End:]...)...)
		}
	}
	return strings.Join(lines, "\n"), results, nil
}

// selects says whether -run and -skip leave the marker in.
func (opt Options) selects(m *Marker) bool {
	script := strings.Join(m.Run, "\n")
	return (opt.Match == nil || opt.Match.MatchString(script)) && (opt.Skip == nil || !opt.Skip.MatchString(script))
}

func logResult(w io.Writer, res Result) {
	if w == nil {
		return
	}
	m := res.Marker
	what := m.From
	if m.Run != nil {
		what = m.Run[len(m.Run)-1]
		for _, l := range m.Run {
			if !strings.HasPrefix(l, "@") {
				what = l
				break
			}
		}
	}
	if len(what) > 70 {
		what = what[:67] + "..."
	}
	status := "ok"
	switch {
	case res.Skipped:
		status = "skipped"
	case res.Failed():
		status = "FAIL"
	}
	fmt.Fprintf(w, "%-7s %5.1fs %s  %s\n", status, res.Elapsed.Seconds(), m.Where(), what)
	if res.Err != nil {
		fmt.Fprintf(w, "        %v\n", res.Err)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(w, "        %s\n", strings.ReplaceAll(p.String(), "\n", "\n        "))
	}
	if res.Failed() && len(res.Lines) > 0 {
		fmt.Fprintf(w, "        fresh output:\n")
		for _, l := range res.Lines {
			fmt.Fprintf(w, "        | %s\n", l)
		}
	}
}
