// Package schema builds JSON Schemas (draft 2020-12) from Go types by
// reflection, so that the schema an editor uses to complete and check a
// file is derived from the types the file is decoded into and cannot drift
// from them.
//
// A Reflector maps each struct to an object whose properties are its
// fields' YAML names (additionalProperties false: an unknown field is an
// error, as in the loaders), slices to arrays, maps to objects, and Go's
// numbers, strings and booleans to their JSON types. Types whose file form
// differs from their Go form (a custom unmarshaler, a raw YAML node) are
// given their schema by a Hook; allowed values of string fields by Enum;
// each property's description (an editor's hover text) by Descriptions,
// which the packages generate from their field comments (internal/gendesc).
package schema
