package sim

import "hash/fnv"

// splitmix64 is a bijective 64-bit mixer (Steele, Lea & Flood 2014).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream returns the PCG seed pair of replicate i of the run identified by
// key (a variant name, or a variant and a sweep point) under master seed.
// It depends on nothing else, so a replicate draws the same numbers whichever
// worker, shard or machine runs it; for a fixed key and seed it is a
// bijection of i, so no two replicates share a stream.
func Stream(seed uint64, key string, i uint64) (uint64, uint64) {
	h := fnv.New64a()
	h.Write([]byte(key))
	k := splitmix64(h.Sum64())
	return splitmix64(seed ^ k), splitmix64(i + splitmix64(k^seed))
}

// streamKey is the key of a component's stream: a table, linkage, shock or
// parameter named id.
func streamKey(kind, id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return splitmix64(h.Sum64())
}

// sub returns the PCG seed pair of the component with stream key k within
// the replicate whose seed pair is (s1, s2).
func sub(s1, s2, k uint64) (uint64, uint64) {
	return splitmix64(s1 ^ k), splitmix64(s2 + k)
}
