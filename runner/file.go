package runner

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/negsim/negsim/atomicfile"
	"github.com/negsim/negsim/limitread"
)

// Format identifies the layout of counts files. Format 3 is the one format
// of batches and experiments, with a cache key per cell; files of formats 1
// and 2 (negsim-counts/1 and /2 of batches, negsim-experiment-counts/* of
// experiments) are refused, and the run must be repeated.
const Format = "negsim-counts/3"

// File is a counts file: every cell's counts of one run or shard.
type File struct {
	// Format is Format.
	Format string `json:"format"`
	// Complete is true if every cell counted all its replicates (or was
	// stopped early).
	Complete bool `json:"complete"`
	// Shard is the part of the run the file holds ("K/N"); empty for a
	// whole run.
	Shard string `json:"shard,omitempty"`
	// Cells are the cells in run order.
	Cells []Cell `json:"cells"`
}

// Fix pins the parameter at Path to Value.
type Fix struct {
	Path  string  `json:"path"`  // parameter name, e.g. "institutions.vote.pass"
	Value float64 `json:"value"` // the value it takes in every replicate
}

// Cell is one cell's counts in a counts file.
type Cell struct {
	// Key is the cell's cache key: the SHA-256 of everything that
	// determines its counts (Keys).
	Key string `json:"key"`
	// Desc says what the cell is, for people.
	Desc string `json:"desc"`
	// Variant, Label and Fixed name a batch cell: its variant (also its
	// stream key), the label that tells apart cells of one variant, and
	// the parameters it pins.
	Variant string `json:"variant,omitempty"`
	Label   string `json:"label,omitempty"`
	Fixed   []Fix  `json:"fixed,omitempty"`
	// Outcomes names the counted outcomes and Horizon is the number of
	// round columns.
	Outcomes []string `json:"outcomes"`
	Horizon  int      `json:"horizon"`
	// Lo and Hi bound the replicates the file's run covers; the counts are
	// of replicates Lo … Lo+N−1.
	Lo int `json:"lo"`
	Hi int `json:"hi"`
	// Stopped is true if the cell was stopped early (batch --precision).
	Stopped bool `json:"stopped,omitempty"`
	// Counts are the cell's counts.
	Counts Counts `json:"counts"`
}

// Complete reports whether the cell counted all its replicates or was
// stopped early.
func (c *Cell) Complete() bool { return c.Stopped || c.Counts.N == int64(c.Hi-c.Lo) }

// Check reports counts inconsistent with the cell's shape.
func (c *Cell) Check() error {
	name := c.Desc
	if c.Hi < c.Lo || c.Lo < 0 {
		return fmt.Errorf("cell %s: replicate range [%d, %d)", name, c.Lo, c.Hi)
	}
	if c.Counts.N > int64(c.Hi-c.Lo) {
		return fmt.Errorf("cell %s holds %d replicates, more than its range [%d, %d) holds (%d)", name, c.Counts.N, c.Lo, c.Hi, c.Hi-c.Lo)
	}
	if len(c.Counts.Hist) != len(c.Outcomes) {
		return fmt.Errorf("cell %s: counts of %d outcomes, %d named", name, len(c.Counts.Hist), len(c.Outcomes))
	}
	for o, h := range c.Counts.Hist {
		if len(h) != max(c.Horizon, 1) {
			return fmt.Errorf("cell %s, outcome %s: %d rounds, expected %d", name, c.Outcomes[o], len(h), max(c.Horizon, 1))
		}
	}
	if err := c.Counts.Check(); err != nil {
		return fmt.Errorf("cell %s: %w", name, err)
	}
	return nil
}

// Marshal returns the file's bytes: JSON with one cell per line.
func (f *File) Marshal() ([]byte, error) {
	var b bytes.Buffer
	head, err := json.Marshal(struct {
		Format   string `json:"format"`
		Complete bool   `json:"complete"`
		Shard    string `json:"shard,omitempty"`
	}{Format, f.Complete, f.Shard})
	if err != nil {
		return nil, err
	}
	b.Write(head[:len(head)-1])
	b.WriteString(`,"cells":[`)
	for i := range f.Cells {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		cb, err := json.Marshal(&f.Cells[i])
		if err != nil {
			return nil, err
		}
		b.Write(cb)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// Write writes f to path atomically, with its Format.
func (f *File) Write(path string) error {
	f.Format = Format
	b, err := f.Marshal()
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, b)
}

// ReadFile reads and checks a counts file of at most limit bytes.
func ReadFile(path string, limit int64) (*File, error) {
	b, err := limitread.ReadFile(path, limit)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse parses and checks the bytes of the counts file path: its format, and
// every cell's counts against its shape and range. Whether the complete flag
// is true is the reader's to check (a merge refuses an incomplete shard).
func Parse(path string, b []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Format != Format {
		return nil, fmt.Errorf("%s: format is %q, expected %q; files of earlier formats cannot be read: rerun with this version of negsim", path, f.Format, Format)
	}
	for i := range f.Cells {
		if err := f.Cells[i].Check(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return &f, nil
}
