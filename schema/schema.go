package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Draft is the JSON Schema dialect of every schema built here.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Schema is a JSON Schema, with the keywords this package writes. The zero
// Schema accepts anything.
type Schema struct {
	Schema               string    `json:"$schema,omitempty"`
	ID                   string    `json:"$id,omitempty"`
	Ref                  string    `json:"$ref,omitempty"`
	Title                string    `json:"title,omitempty"`
	Description          string    `json:"description,omitempty"`
	Type                 string    `json:"type,omitempty"`
	Enum                 []any     `json:"enum,omitempty"`
	Const                any       `json:"const,omitempty"`
	Minimum              *float64  `json:"minimum,omitempty"`
	Pattern              string    `json:"pattern,omitempty"`
	Items                *Schema   `json:"items,omitempty"`
	MinItems             *int      `json:"minItems,omitempty"`
	MaxItems             *int      `json:"maxItems,omitempty"`
	Properties           *Props    `json:"properties,omitempty"`
	PropertyNames        *Schema   `json:"propertyNames,omitempty"`
	AdditionalProperties *Schema   `json:"additionalProperties,omitempty"`
	Required             []string  `json:"required,omitempty"`
	OneOf                []*Schema `json:"oneOf,omitempty"`
	AnyOf                []*Schema `json:"anyOf,omitempty"`
	Defs                 *Props    `json:"$defs,omitempty"`

	// never makes the schema the boolean false: nothing validates.
	never bool
}

// False is the schema nothing validates against, as in
// additionalProperties: false.
func False() *Schema { return &Schema{never: true} }

// Ptr returns a pointer to v, for Minimum, MinItems and MaxItems.
func Ptr[T any](v T) *T { return &v }

// MarshalJSON writes the boolean false for False(), and the keywords in
// a fixed order otherwise.
func (s *Schema) MarshalJSON() ([]byte, error) {
	if s.never {
		return []byte("false"), nil
	}
	type plain Schema
	return json.Marshal((*plain)(s))
}

// JSON returns the schema indented by two spaces, with a final newline.
func (s *Schema) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Props is an ordered set of named schemas: properties in the order of
// their struct fields, definitions in the order they were met.
type Props struct {
	keys []string
	vals map[string]*Schema
}

// Set adds or replaces the schema of name.
func (p *Props) Set(name string, s *Schema) {
	if p.vals == nil {
		p.vals = map[string]*Schema{}
	}
	if _, ok := p.vals[name]; !ok {
		p.keys = append(p.keys, name)
	}
	p.vals[name] = s
}

// Get returns the schema of name, or nil.
func (p *Props) Get(name string) *Schema {
	if p == nil {
		return nil
	}
	return p.vals[name]
}

// Keys returns the names in order.
func (p *Props) Keys() []string {
	if p == nil {
		return nil
	}
	return p.keys
}

// MarshalJSON writes the names in order.
func (p *Props) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range p.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(p.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// A Hook gives the schema of a type whose file form differs from what its
// Go type says; it returns nil for the types it does not handle.
type Hook func(r *Reflector, t reflect.Type) *Schema

// Reflector builds schemas from Go types; named struct types become
// definitions ($defs) referred to by $ref.
type Reflector struct {
	// Tag is the struct tag that names fields in the file: "yaml" unless
	// set.
	Tag string
	// Descriptions gives the description of each property, by the key
	// "Type.Field" of the Go struct field it is reflected from: Type is the
	// struct type's name without type arguments, Field the field's Go name.
	// A field of an anonymous struct type is keyed by the key of the field
	// whose type that struct is, then its own name ("File.Sweep2.X"). The
	// packages generate the map from their field comments (internal/gendesc).
	Descriptions map[string]string
	defs         Props
	owners       []string                // the keys of the fields being reflected, innermost last
	types        map[string]reflect.Type // the type behind each definition
	hooks        []Hook
	enums        map[reflect.Type]map[string][]any
}

// Hook adds a hook, tried before the default rules, in the order added.
func (r *Reflector) Hook(h Hook) { r.hooks = append(r.hooks, h) }

// Enum restricts the field named field (its tag name) of struct type t to
// values.
func (r *Reflector) Enum(t reflect.Type, field string, values ...string) {
	if r.enums == nil {
		r.enums = map[reflect.Type]map[string][]any{}
	}
	if r.enums[t] == nil {
		r.enums[t] = map[string][]any{}
	}
	for _, v := range values {
		r.enums[t][field] = append(r.enums[t][field], v)
	}
}

// Def returns the definition named name, or nil.
func (r *Reflector) Def(name string) *Schema { return r.defs.Get(name) }

// Root returns a document schema: a $ref to t's definition, with every
// definition met and the given title and description.
func (r *Reflector) Root(t reflect.Type, title, description string) *Schema {
	s := r.Reflect(t)
	s.Schema, s.Title, s.Description = Draft, title, description
	s.Defs = &r.defs
	return s
}

// Define records s as the definition of name, for t, and returns a
// reference to it. Defining the same type twice returns the same reference;
// two types under one name is an error of the caller's and panics.
func (r *Reflector) Define(name string, t reflect.Type, build func() *Schema) *Schema {
	ref := &Schema{Ref: "#/$defs/" + name}
	if old, ok := r.types[name]; ok {
		if old != t {
			panic(fmt.Sprintf("schema: two types named %s: %v and %v", name, old, t))
		}
		return ref
	}
	if r.types == nil {
		r.types = map[string]reflect.Type{}
	}
	r.types[name] = t
	r.defs.Set(name, &Schema{}) // a placeholder, so that recursion stops here
	r.defs.Set(name, build())
	return ref
}

// Reflect returns the schema of values of type t.
func (r *Reflector) Reflect(t reflect.Type) *Schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, h := range r.hooks {
		if s := h(r, t); s != nil {
			return s
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		return r.Define(t.Name(), t, func() *Schema { return r.Struct(t) })
	case reflect.Slice:
		return &Schema{Type: "array", Items: r.Reflect(t.Elem())}
	case reflect.Array:
		return &Schema{Type: "array", Items: r.Reflect(t.Elem()), MinItems: Ptr(t.Len()), MaxItems: Ptr(t.Len())}
	case reflect.Map:
		s := &Schema{Type: "object", AdditionalProperties: r.Reflect(t.Elem())}
		switch t.Key().Kind() {
		case reflect.Float32, reflect.Float64:
			s.PropertyNames = &Schema{Pattern: `^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			s.PropertyNames = &Schema{Pattern: `^-?[0-9]+$`}
		}
		return s
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &Schema{Type: "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: "integer", Minimum: Ptr(0.0)}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Interface:
		return &Schema{}
	}
	panic(fmt.Sprintf("schema: no JSON form for %v", t))
}

// Struct returns the object schema of struct type t, inline: one property
// per field with a tag name, and no other property allowed. A field of
// pointer type may also be null. A property's description is the field's
// entry in Descriptions.
func (r *Reflector) Struct(t reflect.Type) *Schema {
	tag := r.Tag
	if tag == "" {
		tag = "yaml"
	}
	owner, _, _ := strings.Cut(t.Name(), "[")
	if owner == "" && len(r.owners) > 0 {
		owner = r.owners[len(r.owners)-1]
	}
	s := &Schema{Type: "object", Properties: &Props{}, AdditionalProperties: False()}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		key := owner + "." + f.Name
		r.owners = append(r.owners, key)
		p := r.Reflect(f.Type)
		r.owners = r.owners[:len(r.owners)-1]
		if vals := r.enums[t][name]; vals != nil {
			if p.Type == "array" {
				p = &Schema{Type: "array", Items: &Schema{Type: p.Items.Type, Enum: vals}}
			} else {
				p = &Schema{Type: p.Type, Enum: vals}
			}
		}
		if f.Type.Kind() == reflect.Pointer {
			// An optional field may be null, which means absent (and,
			// in an overlay, removes what it overlays).
			p = &Schema{AnyOf: []*Schema{p, {Type: "null"}}}
		}
		if d := r.Descriptions[key]; d != "" && owner != "" {
			// A copy, so that a schema a hook shares is not changed; next
			// to a $ref the description is allowed (draft 2020-12) and
			// the $ref stays.
			c := *p
			c.Description = d
			p = &c
		}
		s.Properties.Set(name, p)
	}
	return s
}
