package batch

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/sim"
)

// readParquet reads a replicates Parquet file back as CSV would show it:
// the header, then one row of strings per replicate, null as "".
func readParquet(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := parquet.NewReader(f)
	defer r.Close()
	var head []string
	for _, c := range r.Schema().Fields() {
		head = append(head, c.Name())
	}
	out := [][]string{head}
	buf := make([]parquet.Row, 100)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			cells := make([]string, len(head))
			for _, v := range row {
				switch {
				case v.IsNull():
				case v.Kind() == parquet.ByteArray:
					cells[v.Column()] = string(v.ByteArray())
				case v.Kind() == parquet.Double:
					cells[v.Column()] = strconv.FormatFloat(v.Double(), 'g', -1, 64)
				default:
					cells[v.Column()] = strconv.FormatInt(v.Int64(), 10)
				}
			}
			out = append(out, cells)
		}
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
	}
}

// The gzip-compressed CSV is byte-identical, compressed, for 1 and 3
// workers (batch_test.go's TestWorkersIdentical compares its content).
func TestReplicatesGzipBytes(t *testing.T) {
	s := mini(t)
	var ref []byte
	for _, w := range []int{1, 3} {
		rep := filepath.Join(t.TempDir(), "rep.csv.gz")
		runDir(t, Config{Scenario: s, Variants: []string{"base", "soft"}, N: 2500, Seed: 4, Workers: w, ReplicatesPath: rep})
		if got := read(t, rep); ref == nil {
			ref = got
		} else {
			assert.True(t, bytes.Equal(ref, got), "workers %d: the gzip file differs from workers 1", w)
		}
	}
}

// The Parquet file is byte-identical for 1, 2 and 7 workers, and holds
// exactly what the CSV holds: the same columns in the same order, the same
// values (doubles to the last bit, as CSV prints them with 'g', -1), and
// null where the CSV is empty.
func TestReplicatesParquet(t *testing.T) {
	s := mini(t)
	var ref []byte
	for _, w := range []int{1, 2, 7} {
		rep := filepath.Join(t.TempDir(), "rep.parquet")
		runDir(t, Config{Scenario: s, Variants: []string{"base", "no_side", "soft"}, N: 2500, Seed: 42, Workers: w, ReplicatesPath: rep})
		got := read(t, rep)
		if ref == nil {
			ref = got
			continue
		}
		assert.True(t, bytes.Equal(ref, got), "workers %d: the Parquet file differs from workers 1", w)
	}
	pq := filepath.Join(t.TempDir(), "rep.parquet")
	require.NoError(t, os.WriteFile(pq, ref, 0o644))
	rep := filepath.Join(t.TempDir(), "rep.csv.gz")
	runDir(t, Config{Scenario: s, Variants: []string{"base", "no_side", "soft"}, N: 2500, Seed: 42, Workers: 2, ReplicatesPath: rep})
	want, err := csv.NewReader(bytes.NewReader(readGz(t, rep))).ReadAll()
	require.NoError(t, err)
	got := readParquet(t, pq)
	require.Len(t, got, 1+3*2500)
	assert.Equal(t, want[0], got[0], "columns")
	nulls := 0
	for i := range want {
		assert.Equal(t, want[i], got[i], "row %d", i)
		for _, c := range got[i] {
			if c == "" {
				nulls++
			}
		}
	}
	assert.Positive(t, nulls, "no replicate left an outcome unreached: the null check checked nothing")
}

// The parameters left out of the replicates file are those fixed at one
// value in every variant: each is listed in the manifest with its value,
// which every replicate of every variant draws, and no column left in the
// file is constant across it.
func TestReplicatesConstant(t *testing.T) {
	s := mini(t)
	variants := []string{"base", "no_side", "soft"}
	rep := filepath.Join(t.TempDir(), "rep.csv")
	res, err := Run(context.Background(), Config{Scenario: s, Variants: variants, N: 300, Seed: 9, Workers: 2, ReplicatesPath: rep})
	require.NoError(t, err)
	constant := res.Manifest.ReplicatesConstant
	require.NotEmpty(t, constant)
	rows, err := csv.NewReader(bytes.NewReader(read(t, rep))).ReadAll()
	require.NoError(t, err)
	head := map[string]bool{}
	for _, h := range rows[0] {
		head[h] = true
	}
	for _, v := range variants {
		r, err := s.Resolve(v)
		require.NoError(t, err)
		m, err := sim.Compile(r)
		require.NoError(t, err)
		st := sim.NewState(m)
		for i := range uint64(20) {
			s1, s2 := sim.Stream(9, v, i)
			out := st.Run(s1, s2, nil).Params
			for _, c := range constant {
				slot, err := m.ParamIndex(c.Path)
				require.NoError(t, err, c.Path)
				assert.Equal(t, c.Value, out[slot], "%s in replicate %d of %s", c.Path, i, v)
			}
		}
	}
	for _, c := range constant {
		assert.False(t, head[c.Path], "%s is listed as constant and is a column", c.Path)
	}
	for j, h := range rows[0] {
		if h == "variant" || h == "replicate" || len(h) > 8 && h[:8] == "outcome:" {
			continue
		}
		seen := map[string]bool{}
		for _, row := range rows[1:] {
			seen[row[j]] = true
		}
		assert.Greater(t, len(seen), 1, "column %s is constant in the file", h)
	}
}
