package chart

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/guptarohit/asciigraph"
)

// Defaults of a chart, sized for an 80-column terminal.
const (
	DefaultWidth  = 64
	DefaultHeight = 12
)

// Style is how a line is drawn, so that lines stay apart without colour.
type Style int

const (
	// Solid draws with box-drawing lines: ─╯╭│.
	Solid Style = iota
	// Dots draws with •.
	Dots
	// Dashes draws with ╌, for bounds and thresholds.
	Dashes
)

var marks = map[Style]string{Solid: "───", Dots: "•••", Dashes: "╌╌╌"}

func (s Style) charSet() asciigraph.CharSet {
	switch s {
	case Dots:
		return asciigraph.CreateCharSet("•")
	case Dashes:
		return asciigraph.CreateCharSet("╌")
	}
	return asciigraph.DefaultCharSet
}

// Series is one line of a chart.
type Series struct {
	// Name is what the legend calls the line.
	Name string
	// Values are the points, evenly spaced along the x axis.
	Values []float64
	// Style is how the line is drawn.
	Style Style
	// Colour is the ANSI colour of the line when Options.Colour is set.
	Colour asciigraph.AnsiColor
}

// Options shape a chart.
type Options struct {
	// Title is printed above the chart, e.g. what the y axis counts.
	Title string
	// Caption is printed under the legend, e.g. the units of the axes.
	Caption string
	// Width and Height are the plot's size in columns and rows; 0 takes
	// DefaultWidth and DefaultHeight.
	Width, Height int
	// XMin and XMax are the x values of the first and the last point,
	// labelled on an x axis with XUnit; XMax 0 draws no x axis.
	XMin, XMax float64
	XUnit      string
	// Colour draws the lines in their colours (ANSI escapes): for
	// terminals only.
	Colour bool
}

// Lines writes a line chart of the series, with a title, the y axis
// labelled in whole numbers, an x axis, a legend and a caption. Where
// lines cross, the one listed first is drawn on top.
func Lines(w io.Writer, series []Series, o Options) error {
	data, chars, colours := make([][]float64, 0, len(series)), []asciigraph.CharSet{}, []asciigraph.AnsiColor{}
	for i := len(series) - 1; i >= 0; i-- { // the first series is drawn last, on top
		s := series[i]
		if len(s.Values) == 0 {
			continue
		}
		data = append(data, s.Values)
		chars = append(chars, s.Style.charSet())
		colours = append(colours, s.Colour)
	}
	if len(data) == 0 {
		_, err := fmt.Fprintf(w, "%s: no samples to draw\n", o.Title)
		return err
	}
	opts := []asciigraph.Option{
		asciigraph.Width(or(o.Width, DefaultWidth)), asciigraph.Height(or(o.Height, DefaultHeight)),
		asciigraph.Precision(0), asciigraph.LowerBound(0), asciigraph.SeriesChars(chars...),
	}
	if o.Colour {
		opts = append(opts, asciigraph.SeriesColors(colours...))
	}
	if o.XMax > 0 {
		opts = append(opts, asciigraph.XAxisRange(o.XMin, o.XMax), asciigraph.XAxisTickCount(5),
			asciigraph.XAxisValueFormatter(func(v float64) string { return trimFloat(v) + o.XUnit }))
	}
	var b strings.Builder
	if o.Title != "" {
		b.WriteString(o.Title + "\n")
	}
	b.WriteString(asciigraph.PlotMany(data, opts...) + "\n")
	b.WriteString(legend(series, o.Colour) + "\n")
	if o.Caption != "" {
		b.WriteString(o.Caption + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// legend names every line next to its mark: "─── faulty   ••• fixed".
func legend(series []Series, colour bool) string {
	items := make([]string, 0, len(series))
	for _, s := range series {
		mark := marks[s.Style]
		if colour && s.Colour != asciigraph.Default {
			mark = s.Colour.String() + mark + asciigraph.Default.String()
		}
		items = append(items, mark+" "+s.Name)
	}
	return "    " + strings.Join(items, "   ")
}

// trimFloat formats an axis value with one decimal at most: 0, 2.5, 10.
func trimFloat(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func or(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
