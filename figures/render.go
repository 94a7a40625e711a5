package figures

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/negsim/negsim/atomicfile"
)

// Figure size and resolution.
const (
	figWidth  = 8 * vg.Inch
	figHeight = 5 * vg.Inch
	pngDPI    = 150
	margin    = 0.12 * vg.Inch
)

// sans is the typeface of every text in the figures.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Colours: the Okabe–Ito palette, safe for colour-blind readers, in an
// order that keeps neighbours distinct; grey last.
var seriesColors = []color.Color{
	color.NRGBA{0x00, 0x72, 0xB2, 0xff}, // blue
	color.NRGBA{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	color.NRGBA{0x00, 0x9E, 0x73, 0xff}, // bluish green
	color.NRGBA{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	color.NRGBA{0xE6, 0x9F, 0x00, 0xff}, // orange
	color.NRGBA{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	color.NRGBA{0x00, 0x00, 0x00, 0xff}, // black
	color.NRGBA{0x99, 0x99, 0x99, 0xff}, // grey
}

var (
	gridColor    = color.NRGBA{0xdd, 0xdd, 0xdd, 0xff}
	captionColor = color.NRGBA{0x44, 0x44, 0x44, 0xff}
	whiskerColor = color.NRGBA{0x33, 0x33, 0x33, 0xff}
)

// seriesColor returns the colour of the i-th series.
func seriesColor(i int) color.Color { return seriesColors[i%len(seriesColors)] }

// seriesDashes returns a dash pattern that tells apart series whose
// colours repeat.
func seriesDashes(i int) []vg.Length {
	switch (i / len(seriesColors)) % 3 {
	case 1:
		return []vg.Length{vg.Points(6), vg.Points(3)}
	case 2:
		return []vg.Length{vg.Points(2), vg.Points(2)}
	}
	return nil
}

// translucent returns c with alpha a (0–255).
func translucent(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}

// textStyle returns a sans text style of the given size.
func textStyle(size vg.Length) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(sans, size),
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the figures' fonts.
func newPlot() *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sans, 11)
	p.Title.Padding = vg.Points(6)
	p.X.Label.TextStyle.Font = font.From(sans, 11)
	p.Y.Label.TextStyle.Font = font.From(sans, 11)
	p.X.Tick.Label.Font = font.From(sans, 9.5)
	p.Y.Tick.Label.Font = font.From(sans, 9.5)
	p.X.Padding = vg.Points(4)
	p.Y.Padding = vg.Points(4)
	p.Legend = newLegend()
	return p
}

// newLegend returns a legend with the figures' fonts.
func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle = textStyle(10)
	l.Top = true
	l.Left = true
	l.Padding = vg.Points(3)
	l.ThumbnailWidth = vg.Points(22)
	return l
}

// addGrid adds light grid lines to p.
func addGrid(p *plot.Plot, vertical, horizontal bool) {
	g := plotter.NewGrid()
	g.Vertical.Color = gridColor
	g.Horizontal.Color = gridColor
	g.Vertical.Width = vg.Points(0.5)
	g.Horizontal.Width = vg.Points(0.5)
	if !vertical {
		g.Vertical.Width = 0
	}
	if !horizontal {
		g.Horizontal.Width = 0
	}
	p.Add(g)
}

// sideLegend is a legend drawn outside the plots, at the right of the
// figure, under an optional heading.
type sideLegend struct {
	heading string
	leg     plot.Legend
}

func (s *sideLegend) width(dc draw.Canvas) vg.Length {
	if s == nil {
		return 0
	}
	r := s.leg.Rectangle(dc)
	w := r.Max.X - r.Min.X
	if hw := textStyle(10).Width(s.heading); hw > w {
		w = hw
	}
	return w + vg.Points(14)
}

// split returns the part of dc left for the plots and draws the legend
// in the rest, its top at topOffset below dc's top.
func (s *sideLegend) split(dc draw.Canvas, topOffset vg.Length) draw.Canvas {
	if s == nil {
		return dc
	}
	w := s.width(dc)
	area := dc
	area.Min.X = dc.Max.X - w + vg.Points(10)
	area.Max.Y -= topOffset
	if s.heading != "" {
		hs := textStyle(10)
		hs.Font.Weight = xfont.WeightBold
		hs.YAlign = draw.YTop
		area.FillText(hs, vg.Point{X: area.Min.X, Y: area.Max.Y}, s.heading)
		area.Max.Y -= hs.Height(s.heading) + vg.Points(4)
	}
	s.leg.Draw(area)
	plots := dc
	plots.Max.X -= w
	return plots
}

// figure describes the frame shared by every figure: a title at the top,
// the caption line at the bottom and a body in between.
type figure struct {
	title   string
	caption string
	width   vg.Length
	height  vg.Length
	body    func(dc draw.Canvas) error
}

// drawFrame draws the title, the caption and the body onto dc.
func (f figure) drawFrame(dc draw.Canvas) error {
	dc.FillPolygon(color.White, []vg.Point{
		dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y},
	})
	inner := draw.Crop(dc, margin, -margin, margin, -margin)

	width := inner.Max.X - inner.Min.X

	ts := textStyle(14)
	ts.Font.Weight = xfont.WeightBold
	ts.XAlign = draw.XCenter
	ts.YAlign = draw.YTop
	title := wrapWords(ts, f.title, width)
	inner.FillText(ts, vg.Point{X: (inner.Min.X + inner.Max.X) / 2, Y: inner.Max.Y}, title)
	inner.Max.Y -= ts.Height(title) + vg.Points(8)

	cs := textStyle(9)
	cs.Color = captionColor
	cs.XAlign = draw.XLeft
	cs.YAlign = draw.YBottom
	caption := wrapJoin(cs, strings.Split(f.caption, captionSep), captionSep, width)
	inner.FillText(cs, inner.Min, caption)
	inner.Min.Y += cs.Height(caption) + vg.Points(6)

	return f.body(inner)
}

// save writes the figure to path.svg and path.png.
func (f figure) save(path string) (err error) {
	if f.width == 0 {
		f.width = figWidth
	}
	if f.height == 0 {
		f.height = figHeight
	}
	// gonum/plot panics on some degenerate input; report it as an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing %s: %v", filepath.Base(path), r)
		}
	}()

	svg := vgsvg.NewWith(vgsvg.UseWH(f.width, f.height))
	if err := f.drawFrame(draw.New(svg)); err != nil {
		return err
	}
	png := vgimg.PngCanvas{Canvas: vgimg.NewWith(
		vgimg.UseWH(f.width, f.height),
		vgimg.UseDPI(pngDPI),
		vgimg.UseBackgroundColor(color.White),
	)}
	if err := f.drawFrame(draw.New(png)); err != nil {
		return err
	}
	if err := writeAtomic(path+".svg", svg); err != nil {
		return err
	}
	return writeAtomic(path+".png", png)
}

// writeAtomic writes w to path atomically.
func writeAtomic(path string, w io.WriterTo) error {
	return atomicfile.Write(path, func(f io.Writer) error {
		_, err := w.WriteTo(f)
		return err
	})
}

// formatProb formats a probability for labels.
func formatProb(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

var errNoRows = errors.New("no rows to draw")

// captionSep separates the parts of a caption line; a long caption wraps
// between parts rather than inside one.
const captionSep = " · "

// wrapWords breaks s into lines at spaces so that each line is at most
// width wide in sty, where the words allow; existing line breaks are kept.
func wrapWords(sty text.Style, s string, width vg.Length) string {
	paras := strings.Split(s, "\n")
	for i, p := range paras {
		paras[i] = wrapJoin(sty, strings.Split(p, " "), " ", width)
	}
	return strings.Join(paras, "\n")
}

// wrapJoin joins parts with sep, starting a new line (and dropping the
// separator) before a part that would make the line wider than width. A
// part wider than width on its own gets a line of its own.
func wrapJoin(sty text.Style, parts []string, sep string, width vg.Length) string {
	var b strings.Builder
	line := ""
	for i, p := range parts {
		switch {
		case i == 0:
			line = p
		case sty.Width(line+sep+p) <= width:
			line += sep + p
		default:
			b.WriteString(strings.TrimRight(line+sep, " "))
			b.WriteByte('\n')
			line = p
		}
	}
	b.WriteString(line)
	return b.String()
}
