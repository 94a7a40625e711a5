package experiment

import (
	"fmt"
	"strings"
)

// MaxCells bounds the cells of an experiment, its includes together: each
// cell holds a compiled model and its counts, so a typo in a sweep cannot
// exhaust memory. The shipped experiments have 14,087 in all.
const MaxCells = 50_000

// DefaultMaxReplicates bounds the replicate runs of an experiment, its
// includes together, unless the caller allows more (negsim experiment
// --max-replicates). The shipped experiments run about 4.3 million.
const DefaultMaxReplicates = 1_000_000_000

// checkSize refuses, while parsing and before any plan is built, a spec
// whose sweeps alone cross to more than MaxCells cells. Variants given as
// "all" count as one here; Plan.CheckSize checks the exact count.
func (s *Spec) checkSize(p *parser) {
	v := int64(max(1, len(s.Variants))) * int64(max(1, len(s.Readings)))
	cells, line, field := v, s.lines["variants"], "variants"
	if s.Sweep != nil {
		cells += v * int64(len(s.Sweep.Values))
		line, field = s.Sweep.Line, "sweep"
	}
	if g := s.Sweep2; g != nil {
		cells += v * int64(len(g[0].Values)) * int64(len(g[1].Values))
		line, field = s.lines["sweep2"], "sweep2"
	}
	if cells > MaxCells {
		p.ps = append(p.ps, Problem{File: p.file, Line: line, Field: field,
			Msg: fmt.Sprintf("the experiment would have %d cells (%s); allowed: at most %d, so sweep fewer values or split the experiment", cells, s.sizeWhy(), MaxCells)})
	}
}

func (s *Spec) sizeWhy() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("%d variant(s)", max(1, len(s.Variants))))
	if len(s.Readings) > 0 {
		parts = append(parts, fmt.Sprintf("× %d readings", len(s.Readings)))
	}
	if s.Sweep != nil {
		parts = append(parts, fmt.Sprintf("× (1 + %d sweep values", len(s.Sweep.Values)))
	} else {
		parts = append(parts, "× (1")
	}
	if g := s.Sweep2; g != nil {
		parts = append(parts, fmt.Sprintf("+ %d × %d sweep2 values)", len(g[0].Values), len(g[1].Values)))
	} else {
		parts[len(parts)-1] += ")"
	}
	return strings.Join(parts, " ")
}

// CheckSize refuses a plan, its includes together, with more than
// MaxCells cells or more than maxReplicates replicate runs (0 means
// DefaultMaxReplicates), before any replicate runs.
func (p *Plan) CheckSize(maxReplicates int64) error {
	if maxReplicates <= 0 {
		maxReplicates = DefaultMaxReplicates
	}
	if c := p.Cells(); c > MaxCells {
		return fmt.Errorf("%s: the experiment has %d cells with its includes; allowed: at most %d, so split it", p.Spec.File, c, MaxCells)
	}
	if r := p.Replicates(); r > maxReplicates {
		return fmt.Errorf("%s: the experiment asks for %d replicate runs with its includes; allowed: at most %d unless --max-replicates allows more", p.Spec.File, r, maxReplicates)
	}
	return nil
}
