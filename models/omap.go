package models

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Map is a YAML mapping from string ids to values that keeps the file's
// order, so every loop over actors, tables or linkages is deterministic and
// follows the order a modeler wrote.
type Map[T any] struct {
	Keys  []string
	Vals  []T
	Lines []int // line of each key in its file, 0 when unknown
	index map[string]int
}

// UnmarshalYAML decodes a mapping node, rejecting duplicate ids.
func (m *Map[T]) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: expected a mapping of id: entry", n.Line)}}
	}
	*m = Map[T]{index: make(map[string]int, len(n.Content)/2)}
	var errs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := m.index[k.Value]; dup {
			errs = append(errs, fmt.Sprintf("line %d: duplicate id %q", k.Line, k.Value))
			continue
		}
		var val T
		if err := v.Decode(&val); err != nil {
			if te, ok := err.(*yaml.TypeError); ok {
				errs = append(errs, te.Errors...)
				continue
			}
			return err
		}
		m.index[k.Value] = len(m.Keys)
		m.Keys = append(m.Keys, k.Value)
		m.Vals = append(m.Vals, val)
		m.Lines = append(m.Lines, k.Line)
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

// Len returns the number of entries.
func (m *Map[T]) Len() int { return len(m.Keys) }

// Index returns the position of id, or -1 when it is absent.
func (m *Map[T]) Index(id string) int {
	if i, ok := m.index[id]; ok {
		return i
	}
	return -1
}

// Get returns a pointer to the value for id, or nil.
func (m *Map[T]) Get(id string) *T {
	if i := m.Index(id); i >= 0 {
		return &m.Vals[i]
	}
	return nil
}

// Line returns the line of id's key, or 0.
func (m *Map[T]) Line(id string) int {
	if i := m.Index(id); i >= 0 {
		return m.Lines[i]
	}
	return 0
}
