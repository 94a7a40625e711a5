package experiment

// Done returns the replicates counted so far in p and its includes: zero
// after a Run interrupted before its first task finished.
func (p *Plan) Done() int64 {
	var n int64
	for _, ip := range p.Includes {
		n += ip.Done()
	}
	for _, j := range p.jobs {
		n += j.Counts.N
	}
	return n
}

// Replicates returns the replicate runs p and its includes ask for, all
// shards together.
func (p *Plan) Replicates() int64 {
	var n int64
	for _, ip := range p.Includes {
		n += ip.Replicates()
	}
	for _, j := range p.jobs {
		n += int64(j.n)
	}
	return n
}

// Cells returns the number of cells of p and its includes.
func (p *Plan) Cells() int {
	n := len(p.jobs)
	for _, ip := range p.Includes {
		n += ip.Cells()
	}
	return n
}
