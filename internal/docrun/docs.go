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
	lines := strings.Split(text, "\n")
	files, err := goFiles(markers, lines)
	if err != nil {
		return text, nil, err
	}
	dir, err := workDir(files, opt.ModuleDir)
	if err != nil {
		return text, nil, err
	}
	defer os.RemoveAll(dir)
	d := &docRun{opt: opt, dir: dir, lines: lines, producerSame: true}
	var results []Result
	for _, m := range markers {
		if m.File == "" {
			res := d.block(ctx, m)
			logResult(opt.Log, res)
			results = append(results, res)
		}
	}
	if !opt.Write {
		return text, results, nil
	}
	for i := len(results) - 1; i >= 0; i-- {
		if res := results[i]; !res.Skipped && !res.Failed() {
			m := res.Marker
			lines = append(lines[:m.Start], append(append([]string{}, res.Lines...), lines[m.End:]...)...)
		}
	}
	return strings.Join(lines, "\n"), results, nil
}

// workDir makes the document's work directory and writes its Go files in
// it. A document with Go files works inside the module (moduleDir), so
// that its blocks can build them with go test as a reader would.
func workDir(files []GoFile, moduleDir string) (string, error) {
	parent := ""
	if len(files) > 0 {
		parent = moduleDir
	}
	dir, err := os.MkdirTemp(parent, "docrun-")
	if err != nil {
		return "", err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
			err = os.WriteFile(p, []byte(f.Text), 0o644)
		}
		if err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

// docRun is one document's run: what a from: block needs to know of the
// block that made its file.
type docRun struct {
	opt                           Options
	dir                           string
	lines                         []string
	producerSame, producerSkipped bool
}

// block runs (or reads) one marker's output and judges it.
func (d *docRun) block(ctx context.Context, m *Marker) Result {
	res := Result{Marker: m}
	start := time.Now()
	out, same := d.output(ctx, m, &res)
	if res.Skipped || res.Err != nil {
		res.Elapsed = time.Since(start)
		return res
	}
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
	if d.opt.Check {
		res.Problems = append(res.Problems, m.Compare(d.lines[m.Start:m.End], res.Lines, same)...)
	}
	res.Elapsed = time.Since(start)
	return res
}

// output is the marker's fresh output, and whether it was made by the form
// that made the block (so that numbers may be compared).
func (d *docRun) output(ctx context.Context, m *Marker, res *Result) (string, bool) {
	if m.Run == nil {
		b, err := os.ReadFile(filepath.Join(d.dir, m.From))
		switch {
		case os.IsNotExist(err) && d.producerSkipped:
			res.Skipped = true
		case err != nil:
			res.Err = fmt.Errorf("from: %w (an earlier block of this document must leave it)", err)
		}
		return string(b), d.producerSame
	}
	d.producerSkipped = !d.opt.selects(m) || d.opt.Quick && m.NoQuick
	d.producerSame = !d.opt.Quick || m.SameForm()
	if d.producerSkipped {
		res.Skipped = true
		return "", false
	}
	r := &Runner{Bin: d.opt.Bin, Dir: d.dir, Timeout: d.opt.Timeout}
	if m.InRepo {
		r.Dir = d.opt.Root
	}
	out, err := r.Run(ctx, m.Script(d.opt.Quick), m.Prompt, m.DropStderr, m.Timeout)
	res.Err = err
	return out, d.producerSame
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
