package models

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize bounds a scenario file; anything larger is refused before
// parsing so that a wrong path cannot exhaust memory.
const MaxFileSize = 4 << 20

// Load reads, parses and validates the scenario file at path.
func Load(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if st.IsDir() {
		return nil, Problems{{File: path, Msg: "is a directory, want a YAML scenario file"}}
	}
	if st.Size() > MaxFileSize {
		return nil, Problems{{File: path, Msg: fmt.Sprintf("is %d bytes; a scenario may be at most %d bytes", st.Size(), MaxFileSize)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates a scenario held in memory; name is used in
// error messages.
func Parse(name string, data []byte) (*Scenario, error) {
	switch {
	case len(data) > MaxFileSize:
		return nil, Problems{{File: name, Msg: fmt.Sprintf("is %d bytes; a scenario may be at most %d bytes", len(data), MaxFileSize)}}
	case len(bytes.TrimSpace(data)) == 0:
		return nil, Problems{{File: name, Msg: "is empty; want a YAML scenario with name, horizon, actors, issues, tables and outcomes"}}
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		return nil, Problems{{File: name, Msg: "is binary, not UTF-8 YAML text"}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Problems{yamlProblem(name, err)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, Problems{{File: name, Line: doc.Line, Msg: "top level must be a mapping with name, horizon, actors, issues, tables and outcomes"}}
	}
	root := doc.Content[0]
	s, err := decode(name, root)
	if err != nil {
		return nil, err
	}
	s.raw = data
	if ps := s.validate(); len(ps) > 0 {
		return nil, ps
	}
	return s, nil
}

// decode checks field names against the schema and decodes root.
func decode(name string, root *yaml.Node) (*Scenario, error) {
	var ps Problems
	checkFields(name, root, reflect.TypeFor[Scenario](), "", &ps)
	if len(ps) > 0 {
		return nil, ps
	}
	s := new(Scenario)
	if err := root.Decode(s); err != nil {
		return nil, Problems{yamlProblem(name, err)}
	}
	s.File, s.root = name, root
	return s, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlProblem turns a YAML library error into Problems with line numbers.
func yamlProblem(name string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if te, ok := err.(*yaml.TypeError); ok {
		msg = strings.Join(te.Errors, "; ")
	}
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		msg = strings.Replace(msg, m[0], "", 1)
	}
	return Problem{File: name, Line: line, Msg: msg}
}

var nodeType = reflect.TypeFor[yaml.Node]()
var paramType = reflect.TypeFor[Param]()

// checkFields reports every mapping key that the schema type t does not know,
// with its line, so that a typo is never silently ignored.
func checkFields(file string, n *yaml.Node, t reflect.Type, path string, ps *Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		// The anchored node is checked where it is defined; following
		// aliases here would let a small file expand exponentially.
		return
	}
	switch {
	case t == nodeType:
		return
	case t == paramType:
		if n.Kind == yaml.MappingNode {
			checkFields(file, n, reflect.TypeFor[paramYAML](), path, ps)
		}
		return
	case t.Kind() == reflect.Struct && strings.HasPrefix(t.Name(), "Map["):
		if n.Kind != yaml.MappingNode {
			return // reported by the decoder
		}
		vt, _ := t.FieldByName("Vals")
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkFields(file, n.Content[i+1], vt.Type.Elem(), join(path, n.Content[i].Value), ps)
		}
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		known := map[string]bool{}
		var names []string
		for i := range t.NumField() {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				known[tag] = true
				names = append(names, tag)
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if !known[k] {
				sort.Strings(names)
				*ps = append(*ps, Problem{File: file, Line: n.Content[i].Line, Field: join(path, k),
					Msg: fmt.Sprintf("unknown field; allowed here: %s", strings.Join(names, ", "))})
				continue
			}
			f, _ := fieldByTag(t, k)
			checkFields(file, n.Content[i+1], f.Type, join(path, k), ps)
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, c := range n.Content {
			checkFields(file, c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), ps)
		}
	}
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0] == tag {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// SHA256 returns the hex SHA-256 of the scenario file's bytes, which
// manifests record so that results can be matched to their scenario.
func (s *Scenario) SHA256() string {
	h := sha256.Sum256(s.raw)
	return hex.EncodeToString(h[:])
}

// Raw returns the scenario file's bytes.
func (s *Scenario) Raw() []byte { return s.raw }

// VariantNames returns the names of the scenario's variants of the given kind
// ("policy" or "reading"), in file order; kind "" returns all.
func (s *Scenario) VariantNames(kind string) []string {
	var out []string
	for i, k := range s.Variants.Keys {
		if kind == "" || s.Variants.Vals[i].Kind == kind {
			out = append(out, k)
		}
	}
	return out
}

// Resolve returns the scenario with a variant applied. name is a variant id
// or several joined by "+" (e.g. "full-plan+sceptic"), applied left to right
// after each one's extends; "" or "base" returns the base scenario.
func (s *Scenario) Resolve(name string) (*Scenario, error) {
	if name == "" || name == "base" {
		b := *s
		b.Variant = "base"
		return &b, nil
	}
	var order []string
	seen := map[string]bool{}
	var visit func(id string, stack []string) error
	visit = func(id string, stack []string) error {
		v := s.Variants.Get(id)
		if v == nil {
			return Problems{{File: s.File, Field: "variant", Msg: fmt.Sprintf("unknown variant %q; known: %s", id, strings.Join(s.Variants.Keys, ", "))}}
		}
		for _, st := range stack {
			if st == id {
				return Problems{{File: s.File, Line: s.Variants.Line(id), Field: "variants." + id + ".extends", Msg: "extends itself through " + strings.Join(append(stack, id), " -> ")}}
			}
		}
		for _, e := range v.Extends {
			if err := visit(e, append(stack, id)); err != nil {
				return err
			}
		}
		if !seen[id] {
			seen[id] = true
			order = append(order, id)
		}
		return nil
	}
	for _, part := range strings.Split(name, "+") {
		if err := visit(part, nil); err != nil {
			return nil, err
		}
	}
	root := cloneNode(s.root)
	for _, id := range order {
		patch := &s.Variants.Get(id).Patch
		if patch.Kind == 0 {
			continue
		}
		mergeNode(root, patch)
	}
	r, err := decode(s.File, root)
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

// mergeNode deep-merges patch into dst: mappings merge key by key, anything
// else replaces.
func mergeNode(dst, patch *yaml.Node) {
	if dst.Kind != yaml.MappingNode || patch.Kind != yaml.MappingNode || isParamNode(patch) {
		*dst = *cloneNode(patch)
		return
	}
	for i := 0; i+1 < len(patch.Content); i += 2 {
		k, v := patch.Content[i], patch.Content[i+1]
		found := false
		for j := 0; j+1 < len(dst.Content); j += 2 {
			if dst.Content[j].Value == k.Value {
				mergeNode(dst.Content[j+1], v)
				found = true
				break
			}
		}
		if !found {
			dst.Content = append(dst.Content, cloneNode(k), cloneNode(v))
		}
	}
}

// isParamNode reports whether n is a Param mapping: a Param in a patch
// replaces the base Param whole, so that {uniform: [..]} does not merge with a
// base {value: ..} into an ambiguous pair.
func isParamNode(n *yaml.Node) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "value", "uniform", "triangular", "beta", "truncnormal", "bernoulli":
			return true
		}
	}
	return false
}

func cloneNode(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = cloneNode(k)
	}
	return &c
}
