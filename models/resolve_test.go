package models

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/negsim/negsim/internal/corpustest"
)

// resolveWhole is Resolve as it was before it reused the base's checks: it
// clones the whole tree, merges the patches into the clone, and checks,
// decodes and validates the result from scratch. Resolve must agree with it.
func (s *Scenario) resolveWhole(name string) (*Scenario, error) {
	if name == "" || name == "base" {
		return s.Resolve(name)
	}
	order, err := s.variantOrder(name)
	if err != nil {
		return nil, err
	}
	if ov := s.Overlaps(name); len(ov) > 0 {
		// Resolve reports overlaps before it patches anything.
		return s.Resolve(name)
	}
	var clone func(n *yaml.Node) *yaml.Node
	clone = func(n *yaml.Node) *yaml.Node {
		c := *n
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			c.Content[i] = clone(k)
		}
		return &c
	}
	var merge func(dst, patch *yaml.Node)
	merge = func(dst, patch *yaml.Node) {
		if dst.Kind != yaml.MappingNode || patch.Kind != yaml.MappingNode || isParamNode(patch) {
			*dst = *clone(patch)
			return
		}
		for i := 0; i+1 < len(patch.Content); i += 2 {
			k, v := patch.Content[i], patch.Content[i+1]
			found := false
			for j := 0; j+1 < len(dst.Content); j += 2 {
				if dst.Content[j].Value == k.Value {
					merge(dst.Content[j+1], v)
					found = true
					break
				}
			}
			if !found {
				dst.Content = append(dst.Content, clone(k), clone(v))
			}
		}
	}
	root := clone(s.root)
	for _, id := range order {
		if patch := &s.Variants.Get(id).Patch; patch.Kind != 0 {
			merge(root, patch)
		}
	}
	r, err := decodeNotes(s.File, root, nil)
	if err != nil {
		return nil, err
	}
	r.raw, r.Variant = s.raw, name
	if ps := r.validate(); len(ps) > 0 {
		for i := range ps {
			ps[i].Msg += " (with variant " + name + ")"
		}
		return nil, ps
	}
	return r, nil
}

// compositions returns every variant alone and every policy with every
// model variant and reading, as negsim validate resolves them.
func compositions(s *Scenario) []string {
	names := append([]string{"base"}, s.VariantNames("")...)
	models := append([]string{""}, s.VariantNames("model")...)
	readings := append([]string{""}, s.VariantNames("reading")...)
	for _, p := range s.VariantNames("policy") {
		for _, m := range models {
			for _, r := range readings {
				if m != "" || r != "" {
					parts := slices.DeleteFunc([]string{p, m, r}, func(x string) bool { return x == "" })
					names = append(names, strings.Join(parts, "+"))
				}
			}
		}
	}
	return names
}

// sameResolve reports how s.Resolve(name) differs from s.resolveWhole(name):
// the resolved scenario, or the problems, must be the same.
func sameResolve(s *Scenario, name string) error {
	got, gerr := s.Resolve(name)
	want, werr := s.resolveWhole(name)
	switch {
	case (gerr == nil) != (werr == nil):
		return fmt.Errorf("%s: error %v, want %v", name, gerr, werr)
	case gerr != nil:
		var gps, wps Problems
		if errors.As(gerr, &gps) != errors.As(werr, &wps) || !reflect.DeepEqual(gps, wps) || gerr.Error() != werr.Error() {
			return fmt.Errorf("%s: error\n%v\nwant\n%v", name, gerr, werr)
		}
	case !reflect.DeepEqual(normal(got), normal(want)):
		return fmt.Errorf("%s: resolved scenario differs from the whole-tree resolution", name)
	}
	return nil
}

// normal returns s with every empty list of YAML children nil: the
// whole-tree resolution's clone makes empty lists where the file's nodes
// have none, which DeepEqual tells apart and nothing else does. It changes
// no node that has children.
func normal(s *Scenario) *Scenario {
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if len(n.Content) == 0 {
			n.Content = nil
		}
		for _, k := range n.Content {
			walk(k)
		}
	}
	walk(s.root)
	for i := range s.Variants.Vals {
		walk(&s.Variants.Vals[i].Patch)
	}
	return s
}

// TestResolveAsWhole checks that Resolve, which checks only what the patches
// change, gives what resolving the whole tree afresh gives: for every
// composition of the default scenario, and for every composition of every
// file of the bad-input corpus that parses (including the ones whose
// variants fail).
func TestResolveAsWhole(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	names := compositions(s)
	require.Len(t, names, 149, "negsim validate resolves 149 compositions of the default scenario")
	for _, n := range names {
		if _, err := s.Resolve(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
		if err := sameResolve(s, n); err != nil {
			t.Error(err)
		}
	}
	b, err := os.ReadFile(filepath.Join("testdata", "bad", "base.yaml"))
	require.NoError(t, err)
	cases := corpustest.Read(t, filepath.Join("testdata", "bad", "scenario.tsv"))
	// Patches that change the sources or the variants themselves, after
	// which Resolve checks the variants again too.
	cases = append(cases,
		corpustest.Case{Name: "patch adds a source", New: "  x: {kind: reading, source: {seed: s.txt, quote: q}, patch: {sources: {t.txt: Another}}}\n"},
		corpustest.Case{Name: "patch blanks the cited source", New: "  x: {kind: reading, source: {seed: s.txt, quote: q}, patch: {sources: {s.txt: \" \"}}}\n"},
		corpustest.Case{Name: "patch breaks a variant", New: "  x: {kind: reading, assumption: a, patch: {variants: {v: {kind: fancy}}}}\n"},
		corpustest.Case{Name: "patch adds a variant", New: "  x: {kind: model, assumption: a, patch: {variants: {z: {kind: model, assumption: a, extends: [nope]}}}}\n"},
	)
	parsed, failed := 0, 0
	for _, c := range cases {
		doc := string(b) + c.New
		if c.Old != "" {
			doc = strings.Replace(string(b), c.Old, c.New, 1)
		}
		s, err := Parse("base.yaml", []byte(doc))
		if err != nil {
			if c.Old == "" {
				t.Errorf("%s: %v", c.Name, err)
			}
			continue
		}
		parsed++
		names := compositions(s)
		for _, v := range s.VariantNames("") {
			for _, w := range s.VariantNames("") {
				names = append(names, v+"+"+w)
			}
		}
		for _, n := range append(names, "nope", "v+nope") {
			if _, err := s.Resolve(n); err != nil {
				failed++
			}
			if err := sameResolve(s, n); err != nil {
				t.Errorf("case %d (%s): %v", c.Line, c.Name, err)
			}
		}
	}
	t.Logf("%d corpus files parse; %d of their compositions fail to resolve, with the same problems as before", parsed, failed)
}
