package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/negsim/negsim/atomicfile"
	"github.com/negsim/negsim/figures"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

//go:embed templates
var templates embed.FS

// Options says what to build a report of.
type Options struct {
	// Dir is the batch or experiment directory.
	Dir string
	// Scenario is the scenario file the results were made from; empty
	// means the embedded default, which must then be the scenario the
	// manifests name (by hash).
	Scenario string
	// Variant is the variant whose parameters are listed and whose
	// replicates are traced; empty means the first variant of the first
	// manifest that the scenario resolves, else the scenario's
	// default_variant.
	Variant string
	// Replicates are the replicate indices to trace.
	Replicates []uint64
	// Generator says what made the page, e.g. "negsim (devel) 1a2b3c";
	// shown in its footer.
	Generator string
}

// Report is a built report, ready to render.
type Report struct {
	// Title is the page's title and Root the directory it shows.
	Title, Root string
	// Parent is the root's manifest when the root holds no results of its
	// own (an experiment with includes); nil otherwise.
	Parent *Dir
	// Dirs are the result directories with something to show.
	Dirs []*Dir
	// Scenario is the scenario of the provenance and traces; nil when no
	// manifest names one.
	Scenario *models.Scenario
	// ScenarioOrigin says where Scenario was read from.
	ScenarioOrigin string
	// Variant is the variant listed and traced, Seed the master seed of
	// its traces, and VariantDir the result directory they come from.
	Variant    string
	Seed       uint64
	VariantDir string
	// Params is the provenance of Variant's parameters, and ParamTotal
	// their counts.
	Params     []ParamGroup
	ParamTotal ParamGroup
	// Traces holds the replayed replicates.
	Traces []*Trace
	// Warnings lists what the reader should know: a scenario whose hash
	// differs from the manifest's, a variant no manifest ran.
	Warnings []string
	// Generator says what made the page.
	Generator string
}

// Build reads the directory o.Dir and replays the replicates o names.
func Build(o Options) (*Report, error) {
	dirs, err := findDirs(o.Dir)
	if err != nil {
		return nil, err
	}
	r := &Report{Root: o.Dir, Title: "negsim report: " + filepath.Base(filepath.Clean(o.Dir)), Generator: o.Generator}
	for _, d := range dirs {
		switch {
		case d.hasResults():
			r.Dirs = append(r.Dirs, d)
		case d.Name == ".":
			r.Parent = d
		}
	}
	var primary *Dir
	for _, d := range dirs {
		if d.Manifest.ScenarioSHA256 != "" {
			primary = d
			break
		}
	}
	if primary == nil {
		if o.Scenario == "" && o.Variant == "" {
			r.Warnings = append(r.Warnings, "no manifest names a scenario, so the page has no parameters and no traces")
			return r, nil
		}
		return nil, fmt.Errorf("%s: no manifest names a scenario, so there is nothing to trace or list the parameters of", o.Dir)
	}
	if err := r.loadScenario(o, primary); err != nil {
		return nil, err
	}
	m, err := r.chooseVariant(o, dirs, primary)
	if err != nil {
		return nil, err
	}
	r.Params, r.ParamTotal = provenance(m)
	var n int
	for _, d := range dirs {
		if d.Name == r.VariantDir {
			n = d.Manifest.N
		}
	}
	for _, i := range o.Replicates {
		t := replay(m, r.Variant, r.Seed, i)
		if n > 0 && i >= uint64(n) {
			t.Note = fmt.Sprintf("replicate %d is not among the %d replicates the results counted", i, n)
		}
		r.Traces = append(r.Traces, t)
	}
	return r, nil
}

// loadScenario reads the scenario the primary manifest names: o.Scenario,
// else the embedded default when its hash matches.
func (r *Report) loadScenario(o Options, primary *Dir) error {
	pm := primary.Manifest
	want := pm.ScenarioSHA256
	if o.Scenario == "" {
		s, err := models.Default()
		if err != nil {
			return err
		}
		if got := s.SHA256(); got != want {
			rev := ""
			if pm.Version != "" {
				rev = fmt.Sprintf(" (negsim %s made it; git show REV:models/%s > old.yaml recovers the file)", pm.Version, models.DefaultName)
			}
			return fmt.Errorf("%s: its manifest names scenario %s with sha256 %.12s, but the embedded scenario is %.12s: "+
				"pass --scenario FILE with the scenario the results were made from%s",
				primary.Path, nonEmpty(pm.ScenarioFile, pm.ScenarioName), want, got, rev)
		}
		r.Scenario, r.ScenarioOrigin = s, "the embedded default scenario ("+models.DefaultName+"), whose hash matches the manifest's"
		return nil
	}
	s, err := models.Load(o.Scenario)
	if err != nil {
		return err
	}
	r.Scenario, r.ScenarioOrigin = s, o.Scenario
	if got := s.SHA256(); got != want {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s has sha256 %.12s, but %s was made from a scenario with sha256 %.12s: "+
			"the traces may not be those of the results", o.Scenario, got, primary.Name, want))
	} else {
		r.ScenarioOrigin += ", whose hash matches the manifest's"
	}
	return nil
}

// chooseVariant sets the variant to list and trace, the seed of its
// replicates and the directory they belong to, and returns its model.
func (r *Report) chooseVariant(o Options, dirs []*Dir, primary *Dir) (*sim.Model, error) {
	s := r.Scenario
	compile := func(d *Dir, v string) (*sim.Model, error) {
		rs, err := s.Resolve(v)
		if err != nil {
			return nil, err
		}
		m, err := sim.Compile(rs)
		if err != nil {
			return nil, err
		}
		if d != nil {
			for _, f := range d.Manifest.Fixed {
				slot, err := m.ParamIndex(f.Path)
				if err != nil {
					return nil, fmt.Errorf("%s: fixed parameter: %w", d.Name, err)
				}
				m = m.WithFixed(slot, f.Value, "fixed by the batch configuration")
			}
		}
		return m, nil
	}
	sameScenario := func(d *Dir) bool { return d.Manifest.ScenarioSHA256 == primary.Manifest.ScenarioSHA256 }
	if o.Variant != "" {
		for _, d := range dirs {
			if sameScenario(d) && slices.Contains(d.Manifest.Variants, o.Variant) {
				m, err := compile(d, o.Variant)
				if err != nil {
					return nil, fmt.Errorf("variant %s of %s: %w", o.Variant, d.Name, err)
				}
				r.Variant, r.Seed, r.VariantDir = o.Variant, d.Manifest.Seed, d.Name
				return m, nil
			}
		}
		m, err := compile(nil, o.Variant)
		if err != nil {
			return nil, err
		}
		r.Variant, r.Seed, r.VariantDir = o.Variant, primary.Manifest.Seed, primary.Name
		r.Warnings = append(r.Warnings, fmt.Sprintf("no manifest here ran variant %s: its traces use the seed of %s (%d) but are of no result on this page",
			o.Variant, primary.Name, r.Seed))
		return m, nil
	}
	for _, d := range dirs {
		if !sameScenario(d) {
			continue
		}
		for _, v := range d.Manifest.Variants {
			// An experiment cell with pinned parameters is not a
			// scenario variant; the first one that is will do.
			if m, err := compile(d, v); err == nil {
				r.Variant, r.Seed, r.VariantDir = v, d.Manifest.Seed, d.Name
				return m, nil
			}
		}
	}
	v := nonEmpty(s.DefaultVariant, "base")
	m, err := compile(nil, v)
	if err != nil {
		return nil, err
	}
	r.Variant, r.Seed, r.VariantDir = v, primary.Manifest.Seed, primary.Name
	return m, nil
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// SummaryGroup is the rows of summary.csv of one variant.
type SummaryGroup struct {
	Variant string
	Rows    []figures.SummaryRow
}

// SummaryGroups returns the rows of d's summary.csv grouped by variant, in
// file order.
func (d *Dir) SummaryGroups() []SummaryGroup {
	var gs []SummaryGroup
	for _, row := range d.Summary {
		if n := len(gs); n == 0 || gs[n-1].Variant != row.Variant {
			gs = append(gs, SummaryGroup{Variant: row.Variant})
		}
		gs[len(gs)-1].Rows = append(gs[len(gs)-1].Rows, row)
	}
	return gs
}

// page is what the template sees: the report, and the style sheet and
// script to inline.
type page struct {
	*Report
	CSS template.CSS
	JS  template.JS
}

var funcs = template.FuncMap{
	// num formats a probability or share with four decimals, and NaN as
	// a dash.
	"num": func(x float64) string {
		if math.IsNaN(x) {
			return "–"
		}
		return strconv.FormatFloat(x, 'f', 4, 64)
	},
	// ci formats an interval.
	"ci": func(lo, hi float64) string {
		if math.IsNaN(lo) || math.IsNaN(hi) {
			return "–"
		}
		return "[" + strconv.FormatFloat(lo, 'f', 4, 64) + ", " + strconv.FormatFloat(hi, 'f', 4, 64) + "]"
	},
	// round formats a mean or median round.
	"round": func(x float64) string {
		if math.IsNaN(x) {
			return "–"
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	},
	// pct formats a probability as a CSS percentage.
	"pct": func(x float64) string {
		if math.IsNaN(x) {
			return "0%"
		}
		return strconv.FormatFloat(100*x, 'f', 1, 64) + "%"
	},
	"f3": func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) },
	// margin formats U − R with its sign.
	"margin": func(u, r float64) string { return fmt.Sprintf("%+.3f", u-r) },
	"kb":     func(n int) string { return fmt.Sprintf("%.1f kB", float64(n)/1000) },
	"short": func(h string) string {
		if len(h) > 12 {
			return h[:12]
		}
		return h
	},
	"reached": func(os []OutcomeState) int {
		n := 0
		for _, o := range os {
			if o.Round >= 0 {
				n++
			}
		}
		return n
	},
	"kinds": func(ts []*Trace) []string {
		var ks []string
		for _, t := range ts {
			for _, ln := range t.Lanes {
				for _, row := range ln.Rows {
					for _, e := range row.Events {
						if !slices.Contains(ks, e.Kind) {
							ks = append(ks, e.Kind)
						}
					}
				}
			}
		}
		order := []string{"opened", "offer", "response", "vote", "decision", "agreed", "outcome", "linkage", "shock", "bdm"}
		slices.SortStableFunc(ks, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
		return ks
	},
}

// Render writes the report as one HTML page.
func (r *Report) Render(w io.Writer) error {
	t, err := template.New("report.html").Funcs(funcs).ParseFS(templates, "templates/report.html")
	if err != nil {
		return err
	}
	css, err := templates.ReadFile("templates/report.css")
	if err != nil {
		return err
	}
	js, err := templates.ReadFile("templates/report.js")
	if err != nil {
		return err
	}
	return t.Execute(w, page{Report: r, CSS: template.CSS(css), JS: template.JS(js)})
}

// WriteFile renders the report to path atomically: a reader never sees a
// half-written page.
func (r *Report) WriteFile(path string) error {
	return atomicfile.Write(path, r.Render)
}

// ParseReplicates parses a comma-separated list of replicate indices, such
// as "0,7,42"; an empty string is no replicate.
func ParseReplicates(s string) ([]uint64, error) {
	var out []uint64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		i, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("replicate %q is not a replicate index (a whole number from 0)", f)
		}
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out, nil
}
