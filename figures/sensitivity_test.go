package figures

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSobolMorrisFigures parses small sobol.csv and morris.csv tables,
// including an output that did not vary (empty indices), and draws both
// figures.
func TestSobolMorrisFigures(t *testing.T) {
	sobol := strings.Join(sobolHeader, ",") + "\n" +
		"v,deal,p,x1,1,0.300000,0.250000,0.350000,0.550000,0.500000,0.600000,0.1,64,100,50,1\n" +
		"v,deal,p,g,3,0.100000,-0.020000,0.200000,0.400000,0.300000,1.400000,0.1,64,100,50,1\n" +
		"v,deal,round,x1,1,0.300000,0.250000,0.350000,0.550000,0.500000,0.600000,2,64,100,50,1\n" +
		"v,rare,p,x1,1,,,,,,,0,64,100,50,1\n"
	morris := strings.Join(morrisHeader, ",") + "\n" +
		"v,deal,p,x1,1,0.1,0.2,0.15,0.25,0.05,10,4,100\n" +
		"v,deal,p,actors.a.positions.x.ideal,1,0,0.1,0.05,0.12,0.2,10,4,100\n" +
		"v,deal,p,x3,1,0,0.1,0.05,0.12,0.2,10,4,100\n" +
		"v,rare,p,x1,1,0,0,0,0,0,10,4,100\n"
	dir := t.TempDir()
	for name, body := range map[string]string{SobolFile: sobol, MorrisFile: morris} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := ReadSobol(filepath.Join(dir, SobolFile))
	if err != nil || len(s) != 4 {
		t.Fatalf("ReadSobol: %d rows, %v", len(s), err)
	}
	if err := Sobol(s, Caption{N: 100, Seed: 1}, filepath.Join(dir, "sobol")); err != nil {
		t.Fatal(err)
	}
	m, err := ReadMorris(filepath.Join(dir, MorrisFile))
	if err != nil || len(m) != 4 {
		t.Fatalf("ReadMorris: %d rows, %v", len(m), err)
	}
	if err := Morris(m, Caption{N: 100, Seed: 1}, filepath.Join(dir, "morris")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"sobol.svg", "sobol.png", "morris.svg", "morris.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	svg, err := os.ReadFile(filepath.Join(dir, "sobol.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), "x1") || !strings.Contains(string(svg), "g (3)") {
		t.Error("sobol.svg: Expected the factors x1 and g (3) among its labels")
	}
	if got := shortPath("actors.a.positions.x.ideal"); got != "actors.a.x.ideal" {
		t.Errorf("shortPath: Expected actors.a.x.ideal, Found %s", got)
	}
}

// TestSobolLeavesOutNoEffect checks that a factor whose indices and
// intervals are all exactly 0 (the outcome does not depend on it) is left
// out of its panel and counted under the panel's axis, and that one whose
// indices are 0 only at the point estimate is kept.
func TestSobolLeavesOutNoEffect(t *testing.T) {
	body := strings.Join(sobolHeader, ",") + "\n" +
		"v,deal,p,actors.kyiv.tables.ukraine_interim.reservation_end,1,0.300000,0.250000,0.350000,0.550000,0.500000,0.600000,0.1,64,100,50,1\n" +
		"v,deal,p,unrelated_factor,1,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,0.1,64,100,50,1\n" +
		"v,deal,p,zero_but_uncertain,1,0.000000,-0.010000,0.010000,0.000000,0.000000,0.020000,0.1,64,100,50,1\n"
	rows, err := ParseSobol(strings.NewReader(body), "sobol.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, true, false} {
		if got := noEffect(rows[i]); got != want {
			t.Errorf("noEffect(%s): Expected %v, Found %v", rows[i].Factor, want, got)
		}
	}
	dir := t.TempDir()
	if err := Sobol(rows, Caption{N: 100, Seed: 1}, filepath.Join(dir, "sobol")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "sobol.svg"))
	if err != nil {
		t.Fatal(err)
	}
	svg := string(b)
	for _, c := range []struct {
		text string
		want bool
	}{
		{"unrelated_factor", false},
		{"zero_but_uncertain", true},
		{"1 factor at exactly 0 not shown", true},
		// The caption's N is the base sample size, not the replicates.
		{"N = 100 per point", false},
		{"N = 64 base rows, 100 replicates per point", true},
	} {
		if strings.Contains(svg, c.text) != c.want {
			t.Errorf("sobol.svg: Expected contains(%q) = %v", c.text, c.want)
		}
	}
}
