package sim

import (
	"math"

	"github.com/negsim/negsim/models"
)

// What State.reset does in every replicate is prepared once per State: the
// constant and pinned parameter slots are written into the parameter vector
// once (nothing else writes it), only the random slots are drawn, and each
// array derived from the parameters (ideals, saliences, red lines, bonuses,
// probabilities, prospects) is copied from a template holding its constant
// entries and then patched with its random ones. The values are the ones
// reset computed entry by entry before, so every result is bit-identical.

// randSlot is a parameter slot drawn in every replicate from its own PCG
// stream, seeded from key: one whose distribution is not uniform.
type randSlot struct {
	slot int
	key  uint64
}

// uniformSlot is a uniform parameter slot, drawn in every replicate as
// lo + width·U with U from one splitmix64 of its key and the replicate's
// seeds (uniformBits). They are most random slots, so they have a dense
// list of their own, which draw runs through without a branch.
type uniformSlot struct {
	key       uint64
	lo, width float64
	slot      int
}

// uniformBits is the 64 random bits of the uniform parameter slot with
// stream key k in the replicate whose seed pair is (s1, s2): one
// splitmix64 of (s1 ⊕ k) + s2, a counter-based draw that costs a tenth of
// seeding a PCG stream (docs/MODEL.md §4.2).
func uniformBits(s1, s2, k uint64) uint64 { return splitmix64((s1 ^ k) + s2) }

// derived is an array of the state that reset sets from the parameters:
// dst is copied from tmpl, then dst[p.i] = vals[p.slot] for each patch.
type derived struct {
	dst, tmpl []float64
	patch     []slotPatch
}

type slotPatch struct{ i, slot int }

// prepare fills the constant slots of s.vals, lists the random ones and
// builds the templates of the derived arrays.
func (s *State) prepare() {
	m := s.m
	random := make([]bool, len(m.draws))
	for i := range m.draws {
		d := &m.draws[i]
		switch {
		case m.pinned != nil && m.pinned[i]:
			s.vals[i] = m.params[i].Args[0]
		case d.Dist == models.DistConst:
			s.vals[i] = d.Args[0]
		default:
			random[i] = true
			if d.Dist == models.DistUniform {
				s.uni = append(s.uni, uniformSlot{key: m.paramKey[i], lo: d.Args[0], width: d.Args[1] - d.Args[0], slot: i})
			} else {
				s.rnd = append(s.rnd, randSlot{slot: i, key: m.paramKey[i]})
			}
		}
	}
	// add sets up dst[i] for i < len(dst) as vals[slot] where slot, def :=
	// src(i) is a slot, or as def where slot is none.
	add := func(dst []float64, src func(i int) (slot int, def float64)) {
		d := derived{dst: dst, tmpl: make([]float64, len(dst))}
		for i := range dst {
			slot, def := src(i)
			switch {
			case slot == none:
				d.tmpl[i] = def
			case random[slot]:
				d.patch = append(d.patch, slotPatch{i, slot})
			default:
				d.tmpl[i] = s.vals[slot]
			}
		}
		if len(d.patch) == 0 && allZero(d.tmpl) {
			d.tmpl = nil // cleared instead
		}
		s.derived = append(s.derived, d)
	}
	// Entries of positions an actor does not hold are never read; they
	// start at 0.
	posSlot := func(pick func(p *position) int, def float64) func(int) (int, float64) {
		return func(i int) (int, float64) {
			if !m.pos[i].has {
				return none, 0
			}
			return pick(&m.pos[i]), def
		}
	}
	add(s.ideal, posSlot(func(p *position) int { return p.ideal }, 0))
	add(s.sal, posSlot(func(p *position) int { return p.sal }, 0))
	add(s.lo, posSlot(func(p *position) int { return p.lo }, math.Inf(-1)))
	add(s.hi, posSlot(func(p *position) int { return p.hi }, math.Inf(1)))
	add(s.bonus, func(i int) (int, float64) { return m.stances[i].bonus, 0 })
	add(s.pass, func(i int) (int, float64) { return m.insts[i].pass, 1 })
	for i := range m.insts {
		in := &m.insts[i]
		add(s.silence[i], func(j int) (int, float64) { return in.silenceP[j], 0 })
		add(s.yes[i], func(j int) (int, float64) { return in.yesP[j], 0 })
		add(s.groupYes[i], func(j int) (int, float64) { return in.groups[j].yes, 0 })
	}
	nA := len(m.Actors)
	add(s.prospect, func(k int) (int, float64) {
		df := &m.defers[k/nA]
		if b := df.belief[k%nA]; b != none {
			return b, 0
		}
		return df.prospect, 0
	})
	add(s.pos, func(i int) (int, float64) { return m.issueSQ[i], 0 })
}

func allZero(x []float64) bool {
	for _, v := range x {
		if v != 0 || math.Signbit(v) {
			return false
		}
	}
	return true
}

// draw draws the replicate's random parameter slots, each from its own
// stream.
func (s *State) draw() {
	m := s.m
	vals, s1, s2 := s.vals, s.seed1, s.seed2
	for _, u := range s.uni {
		// The top 53 bits, as rand.Rand.Float64 takes them.
		x := float64(uniformBits(s1, s2, u.key)>>11) / (1 << 53)
		vals[u.slot] = u.lo + u.width*x
	}
	for k := range s.rnd {
		r := &s.rnd[k]
		s.ppcg.Seed(sub(s1, s2, r.key))
		vals[r.slot] = m.draws[r.slot].Sample(s.prng)
	}
	for k := range s.derived {
		d := &s.derived[k]
		if d.tmpl == nil {
			clear(d.dst)
		} else {
			copy(d.dst, d.tmpl)
		}
		dst := d.dst
		for _, p := range d.patch {
			dst[p.i] = vals[p.slot]
		}
	}
}
