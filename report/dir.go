package report

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/negsim/negsim/batch"
	"github.com/negsim/negsim/figures"
	"github.com/negsim/negsim/limitread"
)

// Dir is one result directory: a batch, or one experiment of an experiment
// directory.
type Dir struct {
	// Path is the directory on disk; Name is its path relative to the
	// report's root ("." for the root) and ID its HTML anchor.
	Path, Name, ID string
	// Manifest is its manifest.json.
	Manifest *Manifest
	// Figures holds every figure, in the order the manifest lists them,
	// then by file name.
	Figures []Figure
	// Summary holds the rows of summary.csv, nil when it is absent.
	Summary []figures.SummaryRow
	// HasBelow says whether summary.csv has the below-reservation columns.
	HasBelow bool
	// Tables holds difference.csv, decompose.csv, sobol.csv and morris.csv,
	// those present, in that order.
	Tables []Table
	// Others lists the other CSV files, with their row counts, e.g.
	// "byround.csv (512 rows)".
	Others []string
}

// hasResults reports whether d holds anything to show besides a manifest.
func (d *Dir) hasResults() bool {
	return len(d.Figures) > 0 || d.Summary != nil || len(d.Tables) > 0 || len(d.Others) > 0
}

// Figure is one figure file, inlined as a data: URI.
type Figure struct {
	// Name is the file name without extension (variants, byround, ...)
	// and File the file name.
	Name, File string
	// Img is the <img> element showing it, its source a data: URI. It is
	// built here rather than in the template, which would escape every +
	// of the base64 text as &#43;.
	Img template.HTML
	// Bytes is the size of the file.
	Bytes int
}

// Table is a CSV file shown as a table.
type Table struct {
	// File is its name and Title what the page calls it.
	File, Title string
	Header      []string
	Rows        [][]string
	// Numeric[j] says that every value of column j is a number (or empty),
	// to align it right.
	Numeric []bool
}

// Field is one line of a manifest as the page shows it.
type Field struct{ Label, Value string }

// Manifest holds what the page shows of a manifest.json, batch or
// experiment.
type Manifest struct {
	// Kind is "batch" or "experiment".
	Kind string
	Name string
	Seed uint64
	// N is the number of replicates requested per cell.
	N int
	// ScenarioFile, ScenarioName and ScenarioSHA256 name the scenario.
	ScenarioFile, ScenarioName, ScenarioSHA256 string
	// Version is the negsim version and revision that made the directory.
	Version string
	// Command is the command line.
	Command string
	// Variants lists the variants (cells) in run order.
	Variants []string
	// Fixed lists the parameters a batch pinned.
	Fixed []batch.Fix
	// Fields is the manifest as labelled lines, in a fixed order.
	Fields []Field
	// JSON is the file itself.
	JSON string
}

// manifestJSON is the union of the fields of batch and experiment
// manifests that the page shows; the two spell some differently.
type manifestJSON struct {
	Kind           string `json:"kind"`
	Name           string `json:"name"`
	ExperimentFile string `json:"experiment_file"`
	Scenario       string `json:"scenario"`
	ScenarioFile   string `json:"scenario_file"`
	ScenarioName   string `json:"scenario_name"`
	ScenarioSHA256 string `json:"scenario_sha256"`
	Seed           uint64 `json:"seed"`
	N              int    `json:"n"`
	// Replicates is a count in an experiment's manifest and the path of
	// the per-replicate file in a batch's (written with --replicates).
	Replicates   json.RawMessage `json:"replicates"`
	Variants     []string        `json:"variants"`
	Fixed        []batch.Fix     `json:"fixed"`
	Level        float64         `json:"ci_level"`
	ExpLevel     float64         `json:"level"`
	Command      json.RawMessage `json:"command"`
	Version      string          `json:"negsim_version"`
	GoVersion    string          `json:"go_version"`
	GOOS         string          `json:"goos"`
	GOARCH       string          `json:"goarch"`
	Start        string          `json:"start"`
	End          string          `json:"end"`
	Complete     *bool           `json:"complete"`
	Design       string          `json:"design"`
	DesignPoints int             `json:"design_points"`
}

// maxFile bounds every file the report reads whole (manifests, summary and
// table CSVs, figures): negsim writes them far smaller, so anything larger
// is not one of its outputs, and a wrong path cannot exhaust memory.
const maxFile = 64 << 20

// readManifest reads the manifest.json at path.
func readManifest(path string) (*Manifest, error) {
	b, err := limitread.ReadFile(path, maxFile)
	if err != nil {
		return nil, err
	}
	var j manifestJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &Manifest{Kind: j.Kind, Name: j.Name, Seed: j.Seed, N: j.N, ScenarioSHA256: j.ScenarioSHA256,
		Version: j.Version, Variants: j.Variants, Fixed: j.Fixed}
	// A batch manifest names the scenario file "scenario" and its name
	// "scenario_name"; an experiment's names its name "scenario" and its
	// file "scenario_file".
	if m.Kind == "" {
		m.Kind = "experiment"
		m.ScenarioName, m.ScenarioFile = j.Scenario, j.ScenarioFile
	} else {
		m.ScenarioName, m.ScenarioFile = j.ScenarioName, j.Scenario
	}
	var words []string
	var line string
	switch {
	case json.Unmarshal(j.Command, &words) == nil:
		m.Command = strings.Join(words, " ")
		if len(words) > 0 && words[0] != "negsim" {
			m.Command = "negsim " + m.Command
		}
	case json.Unmarshal(j.Command, &line) == nil:
		m.Command = line
	}
	level := j.Level
	if level == 0 {
		level = j.ExpLevel
	}
	add := func(label, value string) {
		if value != "" {
			m.Fields = append(m.Fields, Field{label, value})
		}
	}
	add("kind", m.Kind)
	add("name", m.Name)
	add("experiment file", j.ExperimentFile)
	add("seed", strconv.FormatUint(m.Seed, 10))
	if m.N > 0 {
		add("N (replicates per cell)", strconv.Itoa(m.N))
	}
	var count int64
	var file string
	switch {
	case json.Unmarshal(j.Replicates, &count) == nil && count > 0:
		add("replicates in all", strconv.FormatInt(count, 10))
	case json.Unmarshal(j.Replicates, &file) == nil && file != "":
		add("per-replicate file", file)
	}
	if level > 0 {
		add("interval level", strconv.FormatFloat(level, 'g', -1, 64))
	}
	add("scenario", m.ScenarioName)
	add("scenario file", m.ScenarioFile)
	add("scenario sha256", m.ScenarioSHA256)
	add("negsim revision", m.Version)
	add("command", m.Command)
	if len(m.Variants) > 0 {
		add("variants", fmt.Sprintf("%d: %s", len(m.Variants), strings.Join(m.Variants, ", ")))
	}
	for _, f := range m.Fixed {
		add("fixed", fmt.Sprintf("%s = %g", f.Path, f.Value))
	}
	if j.Design != "" {
		add("design", fmt.Sprintf("%s, %d points", j.Design, j.DesignPoints))
	}
	if j.GoVersion != "" {
		add("platform", fmt.Sprintf("%s %s/%s", j.GoVersion, j.GOOS, j.GOARCH))
	}
	if j.Start != "" {
		add("run", j.Start+" to "+j.End)
	}
	if j.Complete != nil {
		add("complete", strconv.FormatBool(*j.Complete))
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, b, "", "  ") == nil {
		m.JSON = pretty.String()
	} else {
		m.JSON = string(b)
	}
	return m, nil
}

// tableFiles are the CSV files shown as tables besides summary.csv, with
// their titles.
var tableFiles = []struct{ file, title string }{
	{"difference.csv", "Differences between variants"},
	{"decompose.csv", "Decomposition of the gap between two readings"},
	{"sobol.csv", "Sobol indices"},
	{"morris.csv", "Morris elementary effects"},
}

// findDirs returns root and those of its immediate subdirectories that hold
// a manifest.json, as negsim plot does: a batch or experiment directory, or
// the output of an experiment with includes.
func findDirs(root string) ([]*Dir, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	var dirs []*Dir
	if d, err := readDir(filepath.Join(root, batch.ManifestFile), root, "."); err == nil {
		dirs = append(dirs, d)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(root, e.Name())
		d, err := readDir(filepath.Join(p, batch.ManifestFile), p, e.Name())
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, d)
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%s: no manifest.json here or in its subdirectories, so no results: "+
			"make some with negsim batch -o DIR or negsim experiment FILE -o DIR", root)
	}
	for _, d := range dirs {
		if d.hasResults() {
			return dirs, nil
		}
	}
	return nil, fmt.Errorf("%s: no results: its manifests have no figure (*.svg) or table (summary.csv, difference.csv, ...) beside them", root)
}

// readDir reads the result directory path, whose manifest is manifest.
func readDir(manifest, path, name string) (*Dir, error) {
	m, err := readManifest(manifest)
	if err != nil {
		return nil, err
	}
	d := &Dir{Path: path, Name: name, ID: anchor("dir-" + name), Manifest: m}
	if name == "." {
		d.ID = "dir-root"
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var svgs, pngs, csvs []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		switch n := e.Name(); filepath.Ext(n) {
		case ".svg":
			svgs = append(svgs, n)
		case ".png":
			pngs = append(pngs, n)
		case ".csv":
			csvs = append(csvs, n)
		}
	}
	if err := d.readFigures(svgs, pngs); err != nil {
		return nil, err
	}
	for _, n := range csvs {
		p := filepath.Join(path, n)
		switch {
		case n == batch.SummaryFile:
			b, err := limitread.ReadFile(p, maxFile)
			if err != nil {
				return nil, err
			}
			rows, err := figures.ParseSummary(bytes.NewReader(b), p)
			if err != nil {
				return nil, err
			}
			d.Summary = rows
			if rows == nil {
				d.Summary = []figures.SummaryRow{}
			}
			d.HasBelow = len(rows) > 0 && rows[0].HasBelow
		case slices.ContainsFunc(tableFiles, func(t struct{ file, title string }) bool { return t.file == n }):
			// read below, in tableFiles order
		default:
			rows, err := countRows(p)
			if err != nil {
				return nil, err
			}
			d.Others = append(d.Others, fmt.Sprintf("%s (%d rows)", n, rows))
		}
	}
	for _, t := range tableFiles {
		if !slices.Contains(csvs, t.file) {
			continue
		}
		tab, err := readTable(filepath.Join(path, t.file))
		if err != nil {
			return nil, err
		}
		tab.File, tab.Title = t.file, t.title
		d.Tables = append(d.Tables, tab)
	}
	return d, nil
}

// readFigures inlines every SVG figure, and every PNG that has no SVG of
// the same name, ordered as the manifest lists the figures, then by name.
func (d *Dir) readFigures(svgs, pngs []string) error {
	files := slices.Clone(svgs)
	for _, p := range pngs {
		if !slices.Contains(svgs, strings.TrimSuffix(p, ".png")+".svg") {
			files = append(files, p)
		}
	}
	// The manifest's order, then negsim plot's (figures.DrawDir), which
	// puts the headline figure first.
	order := append(d.manifestFigures(), "variants", "byround", "sweep", "heatmap", "tornado", "convergence",
		"difference", "decompose", "sobol", "morris", "verification")
	rank := func(f string) int {
		if i := slices.Index(order, strings.TrimSuffix(f, filepath.Ext(f))); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(files, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	for _, f := range files {
		b, err := limitread.ReadFile(filepath.Join(d.Path, f), maxFile)
		if err != nil {
			return err
		}
		mime := "image/svg+xml"
		if filepath.Ext(f) == ".png" {
			mime = "image/png"
		}
		name := strings.TrimSuffix(f, filepath.Ext(f))
		img := fmt.Sprintf(`<img class="fig" src="data:%s;base64,%s" alt="%s" data-file="%s">`, mime,
			base64.StdEncoding.EncodeToString(b), html.EscapeString("figure "+name+" of "+d.Name), html.EscapeString(f))
		d.Figures = append(d.Figures, Figure{Name: name, File: f, Bytes: len(b), Img: template.HTML(img)})
	}
	return nil
}

// manifestFigures returns the figure names an experiment manifest lists.
func (d *Dir) manifestFigures() []string {
	var j struct {
		Figures []string `json:"figures"`
	}
	_ = json.Unmarshal([]byte(d.Manifest.JSON), &j)
	return j.Figures
}

// readTable reads a CSV file with a header line.
func readTable(path string) (Table, error) {
	b, err := limitread.ReadFile(path, maxFile)
	if err != nil {
		return Table{}, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	recs, err := r.ReadAll()
	if err != nil {
		return Table{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return Table{}, fmt.Errorf("%s: empty, expected a header line", path)
	}
	t := Table{Header: recs[0], Rows: recs[1:], Numeric: make([]bool, len(recs[0]))}
	for j := range t.Header {
		t.Numeric[j] = true
		for _, row := range t.Rows {
			if v := row[j]; v != "" {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					t.Numeric[j] = false
					break
				}
			}
		}
	}
	return t, nil
}

// countRows returns the number of lines of a CSV file after its header,
// reading it in blocks: a per-replicate file may be gigabytes.
func countRows(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<16)
	n, last := 0, byte('\n')
	for {
		k, err := f.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++ // a last line without its newline
	}
	return max(n-1, 0), nil
}

// anchor turns s into an HTML id.
func anchor(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
