package runner

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io"
	"math"
	"os"
	"sync"

	"github.com/negsim/negsim/sim"
)

// ModelVersion names the version of the replicate model and of the counts
// a cell key covers. Every key also holds the SHA-256 of the running
// executable (Executable), so that counts made by another build of negsim,
// whose engine may differ, are never taken from a cache; ModelVersion
// still changes with the layout of the counts.
const ModelVersion = "negsim-model/3"

// Executable returns the SHA-256 of the running executable, in hex, or ""
// if it cannot be read; it is computed once.
var Executable = sync.OnceValue(func() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
})

// Keys builds cell keys: the SHA-256 of everything that determines a cell's
// counts. It remembers the digest of each model it has seen, so that the
// many cells sharing a model hash its parameters once.
type Keys struct {
	models map[*sim.Model][32]byte
}

// Key accumulates one cell's key.
type Key struct {
	h hash.Hash
	k *Keys
}

// New starts a key with the model version, the executable's hash, the
// scenario's hash, the seed, the chunk size and the stream key.
func (ks *Keys) New(scenarioSHA string, seed uint64, stream string) *Key {
	if ks.models == nil {
		ks.models = map[*sim.Model][32]byte{}
	}
	k := &Key{h: sha256.New(), k: ks}
	k.Str(ModelVersion).Str(Executable()).Str(scenarioSHA).Int(int64(seed)).Int(ChunkSize).Str(stream)
	return k
}

// Str adds a string.
func (k *Key) Str(s string) *Key {
	k.Int(int64(len(s)))
	k.h.Write([]byte(s))
	return k
}

// Int adds an integer.
func (k *Key) Int(v int64) *Key {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(v))
	k.h.Write(b[:])
	return k
}

// Float adds a float64, bit for bit.
func (k *Key) Float(v float64) *Key { return k.Int(int64(math.Float64bits(v))) }

// Ints adds a list of integers.
func (k *Key) Ints(v []int) *Key {
	k.Int(int64(len(v)))
	for _, x := range v {
		k.Int(int64(x))
	}
	return k
}

// Strs adds a list of strings.
func (k *Key) Strs(v []string) *Key {
	k.Int(int64(len(v)))
	for _, x := range v {
		k.Str(x)
	}
	return k
}

// Model adds a model's digest: its horizon, outcomes, tables, and every
// parameter's name and distribution (pins included); nil adds a marker.
// The structure the parameters act on comes from the scenario, whose hash
// starts every key.
func (k *Key) Model(m *sim.Model) *Key {
	if m == nil {
		return k.Str("no model")
	}
	d, ok := k.k.models[m]
	if !ok {
		h := sha256.New()
		mk := &Key{h: h}
		mk.Int(int64(m.Horizon)).Strs(m.Outcomes).Strs(m.Tables).Strs(m.ParamNames())
		for _, p := range m.Params() {
			mk.Str(p.Dist)
			mk.Int(int64(len(p.Args)))
			for _, a := range p.Args {
				mk.Float(a)
			}
		}
		copy(d[:], h.Sum(nil))
		k.k.models[m] = d
	}
	k.h.Write(d[:])
	return k
}

// Job adds what a job adds to its model: its outcomes,
// horizon, checkpoints, paired and further models, weights, binned slots and
// forecast. The model itself, or how a built model is made, is the caller's
// to add, and so is the number of replicates of the whole run. The
// replicate range of a shard is not part of the key: the shards of one cell
// share it, and a cache compares the range apart.
func (k *Key) Job(j *Job) *Key {
	k.Ints(j.Outcomes).Int(int64(j.Horizon)).Ints(j.Checkpoints)
	k.Model(j.Pair).Ints(j.PairOutcomes)
	k.Int(int64(len(j.Multi)))
	for i, m := range j.Multi {
		k.Model(m).Ints(j.MultiOutcomes[i])
	}
	k.Int(int64(len(j.MultiPairs)))
	for _, p := range j.MultiPairs {
		k.Int(int64(p[0])).Int(int64(p[1]))
	}
	k.Int(int64(len(j.Weights)))
	for _, w := range j.Weights {
		k.Int(w)
	}
	if j.Bins != nil {
		k.Str("bins").Ints(j.Bins.Slots).Int(int64(j.Bins.N))
	}
	if j.Forecast {
		k.Str("forecast").Int(FixedOne).Int(ForecastBins).Float(ScaleLo).Float(ScaleHi)
	}
	return k
}

// Sum returns the key, in hex.
func (k *Key) Sum() string { return hex.EncodeToString(k.h.Sum(nil)) }
