package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedFresh fails when a package's schemadesc_gen.go no longer
// matches its field comments: it regenerates each in memory and compares.
func TestGeneratedFresh(t *testing.T) {
	for _, pkg := range []string{"models", "experiment"} {
		dir := filepath.Join("..", "..", pkg)
		want, err := Generate(dir, pkg)
		require.NoError(t, err)
		path := filepath.Join(dir, Output)
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		if string(got) != string(want) {
			gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
			i := 0
			for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
				i++
			}
			t.Errorf("%s/%s is stale from line %d (the field comments give %q there); refresh it with %s",
				pkg, Output, i+1, strings.TrimSpace(wl[min(i, len(wl)-1)]), Command)
		}
	}
}

type sample struct {
	// A is documented
	// over two lines.
	A int `yaml:"a"`
	B int `yaml:"b"` // B has a line comment.
	// C and D share a comment.
	C int `yaml:"c"`
	D int `yaml:"d"`

	E int    `yaml:"e"` // after a blank line: no sharing
	F int    `yaml:"f"`
	G string `yaml:"-"` // not in a file
	H *struct {
		// X is inside.
		X int `yaml:"x"`
	} `yaml:"h"`
}

// The text of each field, as the package doc describes it.
func TestGenerateRules(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("main_test.go")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sample.go"), src, 0o644))
	out, err := Generate(dir, "main")
	require.NoError(t, err)
	s := paragraph(string(out)) // gofmt aligns the values
	for _, want := range []string{
		`"sample.A": "A is documented over two lines.",`,
		`"sample.B": "B has a line comment.",`,
		`"sample.C": "C and D share a comment.",`,
		`"sample.D": "C and D share a comment.",`,
		`"sample.E": "after a blank line: no sharing",`,
		`"sample.H.X": "X is inside.",`,
	} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, `"sample.F"`)
	assert.NotContains(t, s, `"sample.G"`)
	assert.NotContains(t, s, `"sample.H"`)
}
