package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/negsim/negsim/limitread"
)

// Range is a half-open range of replicate indices [From, To).
type Range struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

func (r Range) String() string { return fmt.Sprintf("[%d, %d)", r.From, r.To) }

// ShardRange returns the replicates that shard s of a run of n replicates
// in chunks of chunk covers: whole chunks, split as evenly as possible
// (Shard.chunks); the whole run for the zero Shard.
func ShardRange(s Shard, n, chunk int) Range {
	if chunk < 1 {
		chunk = ChunkSize
	}
	nc := (n + chunk - 1) / chunk
	lo, hi := s.chunks(nc)
	return Range{int64(lo) * int64(chunk), min(int64(hi)*int64(chunk), int64(n))}
}

// sealManifest records in m what merge checks a shard against: the SHA-256
// of its counts.json bytes and its replicate range.
func sealManifest(m *Manifest, counts []byte) {
	h := sha256.Sum256(counts)
	m.CountsSHA256 = hex.EncodeToString(h[:])
	var s Shard
	if m.Shard != nil {
		s = *m.Shard
	}
	r := ShardRange(s, m.N, m.ChunkSize)
	m.ReplicateRange = &r
}

// readShard reads a run directory for Merge and checks that it is what its
// manifest says: counts.json unchanged since the run (its SHA-256), the
// replicate range the one its shard covers, complete, and every cell
// holding exactly the replicates of that range (fewer only where the
// precision rule stopped a variant). Every message names the directory.
func readShard(dir string) (*Manifest, []Cell, error) {
	m, err := ReadManifest(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, nil, err
	}
	if m.Shard == nil {
		m.Shard = &Shard{K: 1, N: 1}
	}
	name := fmt.Sprintf("%s (shard %v)", dir, *m.Shard)
	path := filepath.Join(dir, CountsFile)
	b, err := limitread.ReadFile(path, MaxCountsSize)
	if err != nil {
		return nil, nil, err
	}
	if m.CountsSHA256 == "" || m.ReplicateRange == nil {
		return nil, nil, fmt.Errorf("%s: manifest.json records no counts_sha256 or replicate_range (written by an older negsim); rerun the shard with this version", name)
	}
	h := sha256.Sum256(b)
	if got := hex.EncodeToString(h[:]); got != m.CountsSHA256 {
		return nil, nil, fmt.Errorf("%s: counts.json was changed or replaced after the run: its SHA-256 is %.12s…, the manifest records %.12s…; rerun the shard", name, got, m.CountsSHA256)
	}
	cells, err := ReadCounts(path)
	if err != nil {
		return nil, nil, err
	}
	if m.Shard.K < 1 || m.Shard.K > m.Shard.N {
		return nil, nil, fmt.Errorf("%s: shard %d/%d is out of range", dir, m.Shard.K, m.Shard.N)
	}
	want := ShardRange(*m.Shard, m.N, m.ChunkSize)
	if *m.ReplicateRange != want {
		return nil, nil, fmt.Errorf("%s: replicate_range is %v, but shard %v of n = %d in chunks of %d covers %v", name, *m.ReplicateRange, *m.Shard, m.N, m.ChunkSize, want)
	}
	size := want.To - want.From
	var done, due int64
	for i := range cells {
		c := &cells[i]
		done, due = done+c.N, due+size
		if c.Label == "" && m.NDone[c.Variant] != c.N {
			return nil, nil, fmt.Errorf("%s: variant %s: n_done in manifest.json is %d but counts.json holds %d replicates", name, c.name(), m.NDone[c.Variant], c.N)
		}
	}
	if !m.Complete {
		return nil, nil, fmt.Errorf("%s: incomplete (complete: false, %d of %d replicates); finish it first (rerun the same command)", name, done, due)
	}
	for i := range cells {
		c := &cells[i]
		switch {
		case c.N > size:
			return nil, nil, fmt.Errorf("%s: cell %s holds %d replicates, more than its range %v holds (%d)", name, c.name(), c.N, want, size)
		case c.N < size && !m.StoppedEarly[c.Variant]:
			return nil, nil, fmt.Errorf("%s: marked complete, but cell %s holds %d replicates and its range %v holds %d", name, c.name(), c.N, want, size)
		}
	}
	return m, cells, nil
}

// checkRanges checks that the replicate ranges of shards, in any order,
// tile [0, n) without a gap or an overlap.
func checkRanges(dirs []string, ranges []Range, n int64) error {
	idx := make([]int, len(ranges))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := ranges[a].From - ranges[b].From; c != 0 {
			return int(max(-1, min(1, c)))
		}
		return int(max(-1, min(1, ranges[a].To-ranges[b].To)))
	})
	var at int64
	prev := ""
	for _, i := range idx {
		r := ranges[i]
		switch {
		case r.From > at:
			return fmt.Errorf("replicates [%d, %d) are in no shard (a gap before %s)", at, r.From, dirs[i])
		case r.From < at:
			return fmt.Errorf("%s and %s both hold replicates [%d, %d)", prev, dirs[i], r.From, min(at, r.To))
		}
		at, prev = r.To, dirs[i]
	}
	if at != n {
		return fmt.Errorf("replicates [%d, %d) are in no shard (a gap after %s)", at, n, prev)
	}
	return nil
}

// encodeCounts returns the bytes of counts.json.
func (r *Result) encodeCounts() ([]byte, error) {
	var b bytes.Buffer
	err := r.writeCounts(&b)
	return b.Bytes(), err
}
