package figures

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/negsim/negsim/limitread"
)

// Caption identifies the run a figure was drawn from. It is printed as a
// line at the bottom of every figure, for example
// "N = 20000 per point · seed 1 · scenario 3f2a9c1b7d04".
type Caption struct {
	// N is the number of Monte Carlo runs behind each plotted point.
	// Zero leaves it out of the caption.
	N int
	// Seed is the batch's random seed.
	Seed uint64
	// ScenarioSHA256 is the hex SHA-256 of the scenario file; the
	// caption shows its first 12 characters. Empty leaves it out.
	ScenarioSHA256 string
	// Name is the experiment's name; empty leaves it out.
	Name string
}

// String returns the caption line, e.g.
// "N = 20000 per point · seed 1 · scenario 3f2a9c1b7d04".
func (c Caption) String() string {
	n := ""
	if c.N > 0 {
		n = fmt.Sprintf("N = %d per point", c.N)
	}
	return c.line(n)
}

// line builds the caption with nText in place of the usual N part.
func (c Caption) line(nText string) string {
	var parts []string
	if c.Name != "" {
		parts = append(parts, c.Name)
	}
	if nText != "" {
		parts = append(parts, nText)
	}
	parts = append(parts, fmt.Sprintf("seed %d", c.Seed))
	if h := shortHash(c.ScenarioSHA256); h != "" {
		parts = append(parts, "scenario "+h)
	}
	return strings.Join(parts, " · ")
}

// shortHash returns the first 12 characters of a hex digest.
func shortHash(h string) string {
	h = strings.TrimSpace(h)
	h = strings.TrimPrefix(h, "sha256:")
	if len(h) > 12 {
		h = h[:12]
	}
	return h
}

// manifest holds the fields of manifest.json that the figures use.
type manifest struct {
	Seed           uint64 `json:"seed"`
	N              int    `json:"n"`
	ScenarioSHA256 string `json:"scenario_sha256"`
	Name           string `json:"name"`
}

// maxManifestSize bounds a manifest.json read (they are kilobytes).
const maxManifestSize = 64 << 20

// ReadManifest reads the batch's manifest.json at path and returns the
// Caption it describes. Fields other than seed, n, scenario_sha256 and
// name are ignored.
func ReadManifest(path string) (Caption, error) {
	b, err := limitread.ReadFile(path, maxManifestSize)
	if err != nil {
		return Caption{}, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Caption{}, fmt.Errorf("%s: %w", path, err)
	}
	if m.N < 0 {
		return Caption{}, fmt.Errorf("%s: field \"n\": negative value %d", path, m.N)
	}
	return Caption{N: m.N, Seed: m.Seed, ScenarioSHA256: m.ScenarioSHA256, Name: m.Name}, nil
}
