// Package references reads the reference classes of models/references: sets
// of comparable past cases, each dated or scored from a public record and
// cited, and the parameter distributions that follow from them.
//
// A class is one YAML file, named after the class. A scenario parameter cites
// a class with a reference (class, derive, exclude, shift, scale, note,
// deviation); the validator asks Derive for the distribution the class
// implies and checks that the parameter gives it, unless the parameter states
// a deviation. The shipped classes are embedded in the binary and returned by
// Lookup.
package references
