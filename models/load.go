package models

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/negsim/negsim/limitread"
)

// MaxFileSize bounds a scenario file; anything larger is refused before
// parsing so that a wrong path cannot exhaust memory.
const MaxFileSize = 4 << 20

// Load reads, parses and validates the scenario file at path. It reads at
// most MaxFileSize+1 bytes whatever the file is (limitread: a character
// device or a FIFO reports no useful size), so a wrong path cannot exhaust
// memory.
func Load(path string) (*Scenario, error) {
	data, err := limitread.ReadFile(path, MaxFileSize)
	var tl *limitread.TooLarge
	switch {
	case errors.Is(err, limitread.ErrIsDir):
		return nil, Problems{{File: path, Msg: "is a directory, want a YAML scenario file"}}
	case errors.As(err, &tl) && tl.Size >= 0:
		return nil, Problems{{File: path, Msg: fmt.Sprintf("is %d bytes; a scenario may be at most %d bytes", tl.Size, MaxFileSize)}}
	case errors.As(err, &tl):
		return nil, Problems{{File: path, Msg: fmt.Sprintf("is a %s that gave more than %d bytes (reading stopped there); a scenario may be at most %d bytes", tl.What, MaxFileSize, MaxFileSize)}}
	case err != nil:
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates a scenario held in memory; name is used in
// error messages. The file must hold one YAML document; aliases and merge
// keys (<<) are resolved before the schema is checked, so a key an alias
// carries is checked where the alias is used.
func Parse(name string, data []byte) (*Scenario, error) {
	switch {
	case len(data) > MaxFileSize:
		return nil, Problems{{File: name, Msg: fmt.Sprintf("is %d bytes; a scenario may be at most %d bytes", len(data), MaxFileSize)}}
	case len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff")))) == 0:
		return nil, Problems{{File: name, Msg: "is empty; want a YAML scenario with name, horizon, actors, issues, tables and outcomes"}}
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		return nil, binaryProblem(name, data)
	}
	if p := controlProblem(name, data); p != nil {
		return nil, Problems{*p}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, Problems{yamlProblem(name, err)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, Problems{{File: name, Line: doc.Line, Msg: "top level must be a mapping with name, horizon, actors, issues, tables and outcomes"}}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		line := secondDocLine(data, doc.Content[0].Line)
		if line == 0 {
			line = yamlProblem(name, err).Line
		}
		return nil, Problems{{File: name, Line: line, Msg: "a second YAML document begins here (after ---); a scenario file holds one document: remove it or put it in its own file"}}
	default:
		return nil, Problems{{File: name, Line: next.Line, Msg: "a second YAML document begins here (after ---); a scenario file holds one document: remove it or put it in its own file"}}
	}
	x := &expander{file: name, from: map[*yaml.Node]string{}}
	root := x.expand(doc.Content[0], 0)
	if len(x.ps) > 0 {
		return nil, x.ps
	}
	if p := checkVersion(name, root); p != nil {
		return nil, Problems{*p}
	}
	s, err := decodeNotes(name, root, x.from)
	if err != nil {
		return nil, err
	}
	s.raw = data
	if ps := s.validate(); len(ps) > 0 {
		return nil, ps
	}
	return s, nil
}

// binaryProblem locates the first NUL byte or invalid UTF-8 sequence.
func binaryProblem(name string, data []byte) Problems {
	i := 0
	for i < len(data) {
		r, n := utf8.DecodeRune(data[i:])
		if r == 0 || (r == utf8.RuneError && n <= 1) {
			break
		}
		i += n
	}
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	if bytes.IndexByte(data[:i], '\n') < 0 {
		line = 1 + bytes.Count(data[:i], []byte("\r"))
	}
	return Problems{{File: name, Line: line, Msg: fmt.Sprintf("is binary, not UTF-8 YAML text (byte %d, 0x%02x, is not UTF-8 text)", i+1, data[i])}}
}

// controlProblem reports the first control character YAML does not allow
// (any C0 character but tab, line feed and carriage return, and DEL), with
// its line, which the YAML decoder's own message lacks.
func controlProblem(name string, data []byte) *Problem {
	for i, b := range data {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f {
			line := 1 + bytes.Count(data[:i], []byte("\n"))
			col := i - bytes.LastIndexByte(data[:i], '\n')
			return &Problem{File: name, Line: line, Msg: fmt.Sprintf("holds the control character 0x%02x at column %d; YAML allows tabs, line ends and printable characters only", b, col)}
		}
	}
	return nil
}

// secondDocLine returns the line of the first document marker (---) after
// line first, where the first document's content begins; 0 if there is none.
// A --- at the start of a line can only be a document marker.
func secondDocLine(data []byte, first int) int {
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(data)), "\n")
	for i := first; i < len(lines); i++ {
		if l := lines[i]; l == "---" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "---\t") {
			return i + 1
		}
	}
	return 0
}

// checkVersion refuses a file whose schema_version is not SchemaVersion,
// before its fields are checked: another version's fields may mean other
// things. A file without schema_version is read as version 1.
func checkVersion(name string, root *yaml.Node) *Problem {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k, v := root.Content[i], root.Content[i+1]; k.Value == "schema_version" {
			if v.Kind != yaml.ScalarNode || v.Value != strconv.Itoa(SchemaVersion) {
				return &Problem{File: name, Line: v.Line, Field: "schema_version", Msg: fmt.Sprintf(
					"is %s; this negsim reads scenario files of schema_version %d", quoteValue(v), SchemaVersion)}
			}
		}
	}
	return nil
}

// decodeNotes checks field names and scalar types against the schema and
// decodes root, which holds no aliases or merge keys; a message about a
// node copied from an anchor carries the note that from holds for it.
func decodeNotes(name string, root *yaml.Node, from map[*yaml.Node]string) (*Scenario, error) {
	var ps Problems
	c := &schemaChecker{file: name, from: from, ps: &ps}
	c.check(root, reflect.TypeFor[Scenario](), reflect.TypeFor[Scenario](), "", "")
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

// MaxAliasNodes bounds the nodes that aliases may copy into a scenario, so
// that a few nested aliases cannot expand a small file exponentially.
const MaxAliasNodes = 1 << 17

// expander resolves aliases and merge keys (<<) into a tree with neither.
// Subtrees without them are shared, not copied. A node copied from an
// anchor takes the line of the alias that copies it, and from records which
// anchor it came from, for messages.
type expander struct {
	file   string
	copied int
	from   map[*yaml.Node]string
	active []*yaml.Node // anchors being expanded, to refuse an alias to itself
	ps     Problems
}

func (x *expander) fail(line int, format string, args ...any) {
	if len(x.ps) < 20 {
		x.ps = append(x.ps, Problem{File: x.file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
}

// expand returns n with every alias replaced by a copy of its anchor and
// every merge key replaced by the keys it merges. line, when not 0, is the
// line of the alias n is copied for.
func (x *expander) expand(n *yaml.Node, line int) *yaml.Node {
	if n == nil || len(x.ps) > 0 {
		return n
	}
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if t == nil {
			x.fail(n.Line, "alias *%s names no anchor", n.Value)
			return n
		}
		for _, a := range x.active {
			if a == t {
				x.fail(n.Line, "alias *%s is used inside its own anchor (line %d): it would be infinite", n.Value, t.Line)
				return n
			}
		}
		at := line
		if at == 0 {
			at = n.Line
		}
		x.active = append(x.active, t)
		c := x.copyOf(t, at, fmt.Sprintf("from the anchor &%s at line %d", t.Anchor, t.Line))
		x.active = x.active[:len(x.active)-1]
		return c
	}
	if line == 0 && !needsExpansion(n) {
		return n
	}
	c := *n
	if line != 0 {
		c.Line, c.Anchor = line, ""
		x.copied++
		if x.copied > MaxAliasNodes {
			x.fail(line, "aliases expand to more than %d nodes; write the repeated parts out, or nest fewer aliases", MaxAliasNodes)
			return n
		}
	}
	c.Content = make([]*yaml.Node, 0, len(n.Content))
	if n.Kind != yaml.MappingNode {
		for _, k := range n.Content {
			c.Content = append(c.Content, x.expand(k, line))
		}
		return &c
	}
	explicit := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !isMerge(n.Content[i]) {
			explicit[n.Content[i].Value] = true
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !isMerge(k) {
			c.Content = append(c.Content, x.expand(k, line), x.expand(v, line))
			continue
		}
		// YAML merge: the mapping's own keys override merged ones, and an
		// earlier mapping of a merged list overrides a later one.
		src := x.expand(v, line)
		var maps []*yaml.Node
		switch src.Kind {
		case yaml.MappingNode:
			maps = []*yaml.Node{src}
		case yaml.SequenceNode:
			maps = src.Content
		}
		for _, m := range maps {
			if m.Kind != yaml.MappingNode {
				x.fail(k.Line, "merge key << takes a mapping or a list of mappings (an alias to an anchored mapping), not a %s", kindName(m.Kind))
				return &c
			}
		}
		if len(maps) == 0 {
			x.fail(k.Line, "merge key << takes a mapping or a list of mappings (an alias to an anchored mapping), not a %s", kindName(src.Kind))
			return &c
		}
		for _, m := range maps {
			for j := 0; j+1 < len(m.Content); j += 2 {
				mk := m.Content[j]
				if explicit[mk.Value] {
					continue
				}
				explicit[mk.Value] = true
				c.Content = append(c.Content, mk, m.Content[j+1])
			}
		}
	}
	return &c
}

// copyOf expands the anchored node t as used by an alias at line.
func (x *expander) copyOf(t *yaml.Node, line int, note string) *yaml.Node {
	c := x.expand(t, line)
	var mark func(n *yaml.Node)
	mark = func(n *yaml.Node) {
		if _, ok := x.from[n]; ok {
			return
		}
		x.from[n] = note
		for _, k := range n.Content {
			mark(k)
		}
	}
	if len(x.ps) == 0 {
		mark(c)
	}
	return c
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Tag == "!!merge"
}

// needsExpansion reports whether n's subtree holds an alias or a merge key.
func needsExpansion(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode {
		return true
	}
	for _, k := range n.Content {
		if isMerge(k) || needsExpansion(k) {
			return true
		}
	}
	return false
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
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
// and every value of the wrong kind, with its line, so that a typo or a
// fractional count is never silently ignored or truncated.
func checkFields(file string, n *yaml.Node, t reflect.Type, path string, ps *Problems) {
	c := &schemaChecker{file: file, ps: ps}
	c.check(n, t, nil, "", path)
}

type schemaChecker struct {
	file string
	from map[*yaml.Node]string // see expander
	// fresh, when not nil, holds the nodes to check: the others were
	// checked, without a problem, in the tree they were patched from.
	fresh map[*yaml.Node]bool
	ps    *Problems
}

func (c *schemaChecker) add(n *yaml.Node, field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if note, ok := c.from[n]; ok {
		msg += " (" + note + ")"
	}
	*c.ps = append(*c.ps, Problem{File: c.file, Line: n.Line, Field: field, Msg: msg})
}

// check checks n against t; parent and tag name the struct field n is the
// value of, for the allowed range of an integer.
func (c *schemaChecker) check(n *yaml.Node, t reflect.Type, parent reflect.Type, tag, path string) {
	if c.fresh != nil && !c.fresh[n] {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		// Parse resolves aliases first; a tree built elsewhere is checked
		// where the anchor is defined, so that it cannot expand here.
		return
	}
	null := n.Kind == yaml.ScalarNode && n.Tag == "!!null"
	switch {
	case t == nodeType:
		return
	case t == paramType:
		if n.Kind == yaml.MappingNode {
			c.check(n, reflect.TypeFor[paramYAML](), nil, "", path)
		} else if n.Kind == yaml.SequenceNode {
			c.add(n, path, "is a list; want a parameter such as {value: x, assumption: why} or {uniform: [min, max], source: {seed: file, quote: text}}")
		}
		return
	case null:
		return
	case t.Kind() == reflect.Struct && strings.HasPrefix(t.Name(), "Map["):
		if n.Kind != yaml.MappingNode {
			c.add(n, path, "is a %s; want a mapping of id: entry", kindName(n.Kind))
			return
		}
		vt, _ := t.FieldByName("Vals")
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.check(n.Content[i+1], vt.Type.Elem(), nil, "", join(path, n.Content[i].Value))
		}
	case t.Kind() == reflect.Struct:
		known := map[string]bool{}
		var names []string
		for i := range t.NumField() {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				known[tag] = true
				names = append(names, tag)
			}
		}
		sort.Strings(names)
		if n.Kind != yaml.MappingNode {
			c.add(n, path, "is a %s; want a mapping with some of: %s", kindName(n.Kind), strings.Join(names, ", "))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if !known[k] {
				c.add(n.Content[i], join(path, k), "unknown field; allowed here: %s", strings.Join(names, ", "))
				continue
			}
			f, _ := fieldByTag(t, k)
			c.check(n.Content[i+1], f.Type, t, k, join(path, k))
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.add(n, path, "is a %s; want a list [a, b, ...]", kindName(n.Kind))
			return
		}
		for i, e := range n.Content {
			c.check(e, t.Elem(), nil, "", fmt.Sprintf("%s[%d]", path, i))
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.add(n, path, "is a %s; want a mapping", kindName(n.Kind))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			c.check(k, t.Key(), nil, "", path+" key")
			c.check(n.Content[i+1], t.Elem(), nil, "", join(path, k.Value))
		}
	case t.Kind() == reflect.Int:
		if n.Kind != yaml.ScalarNode {
			c.add(n, path, "is a %s; want a whole number (%s)", kindName(n.Kind), intRange(parent, tag))
			return
		}
		switch n.Tag {
		case "!!int":
			var i int64
			if err := n.Decode(&i); err != nil {
				c.add(n, path, "is %s, too large; want a whole number (%s)", n.Value, intRange(parent, tag))
			}
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				c.add(n, path, "is %s, not a whole number; want a whole number (%s)", n.Value, intRange(parent, tag))
			}
		default:
			c.add(n, path, "is %s, %s; want a whole number (%s)", quoteValue(n), tagName(n), intRange(parent, tag))
		}
	case t.Kind() == reflect.Float64:
		if n.Kind != yaml.ScalarNode {
			c.add(n, path, "is a %s; want a number", kindName(n.Kind))
			return
		}
		if n.Tag != "!!int" && n.Tag != "!!float" {
			c.add(n, path, "is %s, %s; want a number", quoteValue(n), tagName(n))
		}
	case t.Kind() == reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			c.add(n, path, "is %s; want true or false", quoteValue(n))
		}
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			c.add(n, path, "is a %s; want a single value (an id or a text)", kindName(n.Kind))
		}
	}
}

func quoteValue(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return "a " + kindName(n.Kind)
	}
	return strconv.Quote(n.Value)
}

func tagName(n *yaml.Node) string {
	switch n.Tag {
	case "!!str":
		return "a string"
	case "!!bool":
		return "a boolean"
	case "!!int", "!!float":
		return "a number"
	}
	return "a " + strings.TrimPrefix(n.Tag, "!!")
}

// intRange names the allowed range of an integer field, for messages.
func intRange(parent reflect.Type, tag string) string {
	switch {
	case parent == reflect.TypeFor[Scenario]() && tag == "horizon":
		return fmt.Sprintf("1 to %d rounds", MaxHorizon)
	case parent == reflect.TypeFor[Table]() && tag == "quota":
		return "1 to the number of players"
	case parent == reflect.TypeFor[Shock]() && tag == "from":
		return "a round, 0 to horizon-1"
	case parent == reflect.TypeFor[Shock]() && tag == "to":
		return "a round, from to horizon-1"
	}
	return "an integer"
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
// ("policy", "reading" or "model"), in file order; kind "" returns all.
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
	order, err := s.variantOrder(name)
	if err != nil {
		return nil, err
	}
	if ov := s.Overlaps(name); len(ov) > 0 {
		more := ""
		if len(ov) > 1 {
			more = fmt.Sprintf(" and %d more field(s)", len(ov)-1)
		}
		return nil, Problems{{File: s.File, Field: "variant", Msg: fmt.Sprintf(
			"%q sets %s%s twice, so the later part would silently win; compose variants that change different things (one policy, one model, one reading)",
			name, ov[0], more)}}
	}
	// The base passed the schema and the validator, so only what the patches
	// change is checked again: the patched tree shares every subtree no patch
	// reaches with s.root, and the variants, unless a patch sets them or the
	// sources they cite, are s's own.
	root, fresh, keepVariants := s.root, map[*yaml.Node]bool{}, true
	for _, id := range order {
		patch := &s.Variants.Get(id).Patch
		if patch.Kind == 0 {
			continue
		}
		if patch.Kind != yaml.MappingNode || isParamNode(patch) {
			keepVariants = false
		}
		for i := 0; i+1 < len(patch.Content); i += 2 {
			if k := patch.Content[i].Value; k == "variants" || k == "sources" {
				keepVariants = false
			}
		}
		root = patched(root, patch, fresh)
	}
	var ps Problems
	c := &schemaChecker{file: s.File, fresh: fresh, ps: &ps}
	c.check(root, reflect.TypeFor[Scenario](), reflect.TypeFor[Scenario](), "", "")
	if len(ps) > 0 {
		return nil, ps
	}
	r := new(Scenario)
	in := root
	if keepVariants {
		in = withoutKey(root, "variants")
	}
	if err := in.Decode(r); err != nil {
		return nil, Problems{yamlProblem(s.File, err)}
	}
	r.File, r.root, r.raw, r.Variant = s.File, root, s.raw, name
	v := &validator{s: r}
	if keepVariants {
		r.Variants, v.skipVariants = s.Variants, true
	}
	if ps := r.validateWith(v); len(ps) > 0 {
		for i := range ps {
			ps[i].Msg += " (with variant " + name + ")"
		}
		return nil, ps
	}
	return r, nil
}

// patched returns base with patch deep-merged into it (mappings merge key by
// key, anything else replaces) and leaves base as it was: the mappings on
// the patch's paths are copied, the values it sets are cloned, every other
// subtree is base's own. fresh gains every node patched makes, so that
// only those need checking again.
func patched(base, patch *yaml.Node, fresh map[*yaml.Node]bool) *yaml.Node {
	if base.Kind != yaml.MappingNode || patch.Kind != yaml.MappingNode || isParamNode(patch) {
		return cloneFresh(patch, fresh)
	}
	c := *base
	c.Content = slices.Clone(base.Content)
	fresh[&c] = true
	for i := 0; i+1 < len(patch.Content); i += 2 {
		k, v := patch.Content[i], patch.Content[i+1]
		found := false
		for j := 0; j+1 < len(c.Content); j += 2 {
			if c.Content[j].Value == k.Value {
				c.Content[j+1] = patched(c.Content[j+1], v, fresh)
				found = true
				break
			}
		}
		if !found {
			c.Content = append(c.Content, cloneFresh(k, fresh), cloneFresh(v, fresh))
		}
	}
	return &c
}

// withoutKey returns a shallow copy of the mapping n without key's entry.
func withoutKey(n *yaml.Node, key string) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, 0, len(n.Content))
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key {
			c.Content = append(c.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &c
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

// cloneFresh deep-copies n and records the copies in fresh.
func cloneFresh(n *yaml.Node, fresh map[*yaml.Node]bool) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = cloneFresh(k, fresh)
	}
	fresh[&c] = true
	return &c
}

// Overlaps lists the fields that more than one part of the composed variant
// name sets with patches of different variants (each part counts with the
// variants it extends), as "path (A, then B)", in path order: the later
// part's value would be the one that holds. Parts that change different
// things, or share an ancestor's settings, have none.
func (s *Scenario) Overlaps(name string) []string {
	type setter struct{ part, origin string }
	setBy := map[string][]setter{}
	var paths []string
	for _, part := range strings.Split(name, "+") {
		if part == "" || part == "base" {
			continue
		}
		leaves := map[string]string{} // path -> the variant whose patch sets it
		var chain func(id string, depth int)
		chain = func(id string, depth int) {
			v := s.Variants.Get(id)
			if v == nil || depth > len(s.Variants.Keys) {
				return
			}
			for _, e := range v.Extends {
				chain(e, depth+1)
			}
			if v.Patch.Kind != 0 {
				patchLeaves(&v.Patch, "", id, leaves)
			}
		}
		chain(part, 0)
		for p, origin := range leaves {
			if len(setBy[p]) == 0 {
				paths = append(paths, p)
			}
			setBy[p] = append(setBy[p], setter{part, origin})
		}
	}
	sort.Strings(paths)
	var out []string
	for _, p := range paths {
		by := setBy[p]
		origins := map[string]bool{}
		var parts []string
		for _, b := range by {
			origins[b.origin] = true
			parts = append(parts, b.part)
		}
		if len(origins) > 1 {
			out = append(out, fmt.Sprintf("%s (%s)", p, strings.Join(parts, ", then ")))
		}
	}
	return out
}

// patchLeaves records in leaves, for the dotted path of every value a patch
// sets, the variant id whose patch sets it: a mapping is descended key by
// key, anything else (a parameter, a list, a scalar) is one leaf, as
// patched replaces it whole.
func patchLeaves(n *yaml.Node, prefix, id string, leaves map[string]string) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode || isParamNode(n) {
		leaves[prefix] = id
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if prefix != "" {
			key = prefix + "." + key
		}
		patchLeaves(n.Content[i+1], key, id, leaves)
	}
}

// variantOrder lists the variants that name ("a+b+…") applies, in order:
// each part after its extends, each variant once. An unknown variant or a
// cycle of extends is an error naming its line.
func (s *Scenario) variantOrder(name string) ([]string, error) {
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
	return order, nil
}
