package experiment

import (
	"fmt"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// resolveAliases replaces every alias in the tree under n by the node it
// names and expands merge keys (<<: *anchor, or a list of them), before
// the fields are read: an alias is read as what it stands for, never as
// its anchor's name, and a key it carries is checked where it is used, as
// in scenario files. Keys given beside a merge key win over merged ones.
func resolveAliases(n *yaml.Node, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	for i, c := range n.Content {
		for c.Kind == yaml.AliasNode && c.Alias != nil {
			c = c.Alias
		}
		n.Content[i] = c
		resolveAliases(c, seen)
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	var merged, own []*yaml.Node
	has := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merged = append(merged, v)
			continue
		}
		own = append(own, k, v)
		has[k.Value] = true
	}
	if merged == nil {
		return
	}
	out := own
	for _, m := range merged {
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			if src.Kind != yaml.MappingNode {
				// Left for the field check to report: << must merge mappings.
				out = append(out, &yaml.Node{Kind: yaml.ScalarNode, Value: "<<", Line: src.Line, Column: src.Column}, src)
				continue
			}
			for i := 0; i+1 < len(src.Content); i += 2 {
				if k := src.Content[i]; !has[k.Value] {
					has[k.Value] = true
					out = append(out, k, src.Content[i+1])
				}
			}
		}
	}
	n.Content = out
}

// textProblem reports a file that is not UTF-8 YAML text: a NUL byte,
// invalid UTF-8 or a control character YAML does not allow, with its line.
func textProblem(name string, data []byte) *Problem {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return &Problem{File: name, Line: line, Msg: "is not UTF-8 text (an invalid byte here); an experiment file is YAML text"}
		case r == '\n':
			line++
		case (r < 0x20 && r != '\t' && r != '\r') || r == 0x7f:
			return &Problem{File: name, Line: line, Msg: fmt.Sprintf("holds the control character 0x%02x; YAML allows tabs, line ends and printable characters only", r)}
		}
		i += size
	}
	return nil
}
