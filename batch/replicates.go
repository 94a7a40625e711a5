package batch

import (
	"bufio"
	"compress/gzip"
	"io"
	"strconv"
	"strings"

	"github.com/negsim/negsim/atomicfile"
	"github.com/negsim/negsim/sim"
)

// replicateWriter streams the replicates file: a header, then rows in
// replicate order. Its columns are variant, replicate, every parameter of
// any variant (in first-seen order) and "outcome:NAME" for every outcome,
// holding the round it happened or nothing. A parameter a variant lacks is
// empty.
type replicateWriter struct {
	f    *atomicfile.File
	bw   *bufio.Writer
	gz   *gzip.Writer
	w    io.Writer
	err  error
	cols [][]int // per variant: for each parameter column, its slot or -1
	outs [][]int // per variant: for each outcome column, its index or -1
	keys [][]byte
}

func newReplicateWriter(path string, vs []*variant) (*replicateWriter, error) {
	var params, outcomes []string
	pcol, ocol := map[string]int{}, map[string]int{}
	for _, v := range vs {
		for _, p := range v.m.ParamNames() {
			if _, ok := pcol[p]; !ok {
				pcol[p] = len(params)
				params = append(params, p)
			}
		}
		for _, o := range v.m.Outcomes {
			if _, ok := ocol[o]; !ok {
				ocol[o] = len(outcomes)
				outcomes = append(outcomes, o)
			}
		}
	}
	rw := &replicateWriter{}
	for _, v := range vs {
		c := make([]int, len(params))
		for i := range c {
			c[i] = -1
		}
		for slot, p := range v.m.ParamNames() {
			c[pcol[p]] = slot
		}
		o := make([]int, len(outcomes))
		for i := range o {
			o[i] = -1
		}
		for k, name := range v.m.Outcomes {
			o[ocol[name]] = k
		}
		rw.cols, rw.outs = append(rw.cols, c), append(rw.outs, o)
		rw.keys = append(rw.keys, []byte(csvField(v.name)))
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	rw.f = f
	rw.bw = bufio.NewWriterSize(f, 1<<16)
	rw.w = rw.bw
	if strings.HasSuffix(path, ".gz") {
		rw.gz = gzip.NewWriter(rw.bw)
		rw.w = rw.gz
	}
	head := []string{"variant", "replicate"}
	for _, p := range params {
		head = append(head, csvField(p))
	}
	for _, o := range outcomes {
		head = append(head, csvField("outcome:"+o))
	}
	rw.write([]byte(strings.Join(head, ",") + "\n"))
	return rw, nil
}

// csvField quotes s if CSV needs it.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// appendRow appends the row of replicate i of variant v to b. It only reads
// rw, so workers call it concurrently.
func (rw *replicateWriter) appendRow(b []byte, v, i int, res *sim.Result) []byte {
	b = append(b, rw.keys[v]...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(i), 10)
	for _, slot := range rw.cols[v] {
		b = append(b, ',')
		if slot >= 0 {
			b = strconv.AppendFloat(b, res.Params[slot], 'g', -1, 64)
		}
	}
	for _, o := range rw.outs[v] {
		b = append(b, ',')
		if o >= 0 && res.OutcomeRound[o] >= 0 {
			b = strconv.AppendInt(b, int64(res.OutcomeRound[o]), 10)
		}
	}
	return append(b, '\n')
}

// write writes rows; the first error is kept for close.
func (rw *replicateWriter) write(rows []byte) {
	if rw.err == nil {
		_, rw.err = rw.w.Write(rows)
	}
}

// close finishes the file and renames it into place.
func (rw *replicateWriter) close() error {
	err := rw.err
	if rw.gz != nil && err == nil {
		err = rw.gz.Close()
	}
	if err == nil {
		err = rw.bw.Flush()
	}
	return rw.f.Commit(err)
}
