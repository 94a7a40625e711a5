package batch

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/negsim/negsim/atomicfile"
	"github.com/negsim/negsim/sim"
)

// replicateWriter streams the replicates file: one row per replicate, in
// replicate order (docs/REPLICATES.md). Its columns are variant,
// replicate, every parameter of any variant (in first-seen order) that is
// not constant, and "outcome:NAME" for every outcome, holding the round it
// happened or nothing. A parameter a variant lacks is empty (null in
// Parquet). A parameter drawn from no distribution (a value, or a pin),
// equal in every variant, is left out and listed in Constant instead.
//
// The file is CSV, gzip-compressed CSV if the path ends in .gz, or Parquet
// if it ends in .parquet. Workers encode rows with appendRow into their
// chunk's buffer (CSV text, or a fixed binary layout for Parquet); write
// receives the chunks in replicate order, so the file does not depend on
// the number of workers.
type replicateWriter struct {
	f    *atomicfile.File
	bw   *bufio.Writer
	gz   *gzip.Writer
	w    io.Writer
	pq   *parquetRows // non-nil for Parquet
	err  error
	cols [][]int // per variant: for each parameter column, its slot or -1
	outs [][]int // per variant: for each outcome column, its index or -1
	keys [][]byte
	// Constant lists the parameters left out, with their value.
	Constant []Fix
}

// ReplicatesFormat names the format of a replicates file from its path:
// "parquet", "csv.gz" or "csv".
func ReplicatesFormat(path string) string {
	switch {
	case strings.HasSuffix(path, ".parquet"):
		return "parquet"
	case strings.HasSuffix(path, ".gz"):
		return "csv.gz"
	}
	return "csv"
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
	// A column is constant if every variant has the parameter, fixed at
	// one value.
	constant := make([]bool, len(params))
	value := make([]float64, len(params))
	for c, p := range params {
		constant[c] = true
		for k, v := range vs {
			slot, err := v.m.ParamIndex(p)
			if err != nil {
				constant[c] = false
				break
			}
			par := v.m.Params()[slot]
			lo, hi := par.Bounds()
			if par.Random() || lo != hi || k > 0 && lo != value[c] {
				constant[c] = false
				break
			}
			value[c] = lo
		}
	}
	var kept []string
	for c, p := range params {
		if constant[c] {
			rw.Constant = append(rw.Constant, Fix{Path: p, Value: value[c]})
		} else {
			kept = append(kept, p)
		}
	}
	for _, v := range vs {
		c := make([]int, len(kept))
		for i, p := range kept {
			c[i] = -1
			if slot, err := v.m.ParamIndex(p); err == nil {
				c[i] = slot
			}
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
	switch ReplicatesFormat(path) {
	case "parquet":
		var names []string
		for _, v := range vs {
			names = append(names, v.name)
		}
		rw.pq = newParquetRows(rw.bw, names, kept, outcomes, rw.cols)
		return rw, nil
	case "csv.gz":
		rw.gz = gzip.NewWriter(rw.bw)
		rw.w = rw.gz
	}
	head := []string{"variant", "replicate"}
	for _, p := range kept {
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
	if rw.pq != nil {
		// Binary: variant (uint32), replicate (int64), the variant's
		// parameters (float64 bits), every outcome column's round
		// (int32, -1 for none); parquetRows.decode reads it back.
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
		b = binary.LittleEndian.AppendUint64(b, uint64(i))
		for _, slot := range rw.cols[v] {
			if slot >= 0 {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(res.Params[slot]))
			}
		}
		for _, o := range rw.outs[v] {
			r := int32(-1)
			if o >= 0 {
				r = int32(res.OutcomeRound[o])
			}
			b = binary.LittleEndian.AppendUint32(b, uint32(r))
		}
		return b
	}
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
	if rw.err != nil {
		return
	}
	if rw.pq != nil {
		rw.err = rw.pq.write(rows)
		return
	}
	_, rw.err = rw.w.Write(rows)
}

// close finishes the file and renames it into place.
func (rw *replicateWriter) close() error {
	err := rw.err
	if rw.pq != nil && err == nil {
		err = rw.pq.close()
	}
	if rw.gz != nil && err == nil {
		err = rw.gz.Close()
	}
	if err == nil {
		err = rw.bw.Flush()
	}
	return rw.f.Commit(err)
}

// parquetRowGroup is the number of rows of a Parquet row group: large
// enough for compression and fast column reads, small enough that the
// writer's buffers stay in the tens of megabytes for 300 columns.
const parquetRowGroup = 8192

// parquetRows turns appendRow's binary rows into a Parquet file.
type parquetRows struct {
	w        *parquet.Writer
	variants [][]byte
	cols     [][]int // as replicateWriter.cols
	nparams  int
	nouts    int
	required []bool // per parameter column: every variant has it
	rowBytes []int  // per variant: the size of its binary row
	rows     []parquet.Row
	vals     []parquet.Value // backs rows, reused from one write to the next
}

func newParquetRows(out io.Writer, variants, params, outcomes []string, cols [][]int) *parquetRows {
	p := &parquetRows{cols: cols, nparams: len(params), nouts: len(outcomes)}
	for k, v := range variants {
		p.variants = append(p.variants, []byte(v))
		n := 12 + 4*len(outcomes)
		for _, slot := range cols[k] {
			if slot >= 0 {
				n += 8
			}
		}
		p.rowBytes = append(p.rowBytes, n)
	}
	fields := []parquet.Field{
		field("variant", parquet.Encoded(parquet.String(), &parquet.RLEDictionary)),
		field("replicate", parquet.Leaf(parquet.Int64Type)),
	}
	for c, name := range params {
		req := true
		for _, vc := range cols {
			req = req && vc[c] >= 0
		}
		p.required = append(p.required, req)
		n := parquet.Encoded(parquet.Leaf(parquet.DoubleType), &parquet.ByteStreamSplit)
		if !req {
			n = parquet.Optional(n)
		}
		fields = append(fields, field(name, n))
	}
	for _, o := range outcomes {
		fields = append(fields, field("outcome:"+o, parquet.Optional(parquet.Leaf(parquet.Int32Type))))
	}
	schema := parquet.NewSchema("replicates", orderedGroup{fields: fields})
	p.w = parquet.NewWriter(out, schema,
		parquet.Compression(&zstd.Codec{}),
		parquet.MaxRowsPerRowGroup(parquetRowGroup),
		parquet.PageBufferSize(64*1024),
		parquet.CreatedBy("negsim", "", ""))
	return p
}

// write decodes rows written by appendRow and writes them.
func (p *parquetRows) write(b []byte) error {
	width := 2 + p.nparams + p.nouts
	nrows := 0
	for rest := b; len(rest) > 0; nrows++ {
		if len(rest) < 4 || int(binary.LittleEndian.Uint32(rest)) >= len(p.rowBytes) || len(rest) < p.rowBytes[binary.LittleEndian.Uint32(rest)] {
			return errors.New("replicates: truncated row")
		}
		rest = rest[p.rowBytes[binary.LittleEndian.Uint32(rest)]:]
	}
	if cap(p.vals) < nrows*width {
		p.vals = make([]parquet.Value, nrows*width)
	}
	p.rows = p.rows[:0]
	for r := 0; len(b) > 0; r++ {
		v := int(binary.LittleEndian.Uint32(b))
		row := parquet.Row(p.vals[r*width : r*width : (r+1)*width])
		row = append(row, parquet.ByteArrayValue(p.variants[v]).Level(0, 0, 0),
			parquet.Int64Value(int64(binary.LittleEndian.Uint64(b[4:]))).Level(0, 0, 1))
		b = b[12:]
		col := 2
		for c, slot := range p.cols[v] {
			switch {
			case slot >= 0 && p.required[c]:
				row = append(row, parquet.DoubleValue(math.Float64frombits(binary.LittleEndian.Uint64(b))).Level(0, 0, col))
				b = b[8:]
			case slot >= 0:
				row = append(row, parquet.DoubleValue(math.Float64frombits(binary.LittleEndian.Uint64(b))).Level(0, 1, col))
				b = b[8:]
			default:
				row = append(row, parquet.NullValue().Level(0, 0, col))
			}
			col++
		}
		for range p.nouts {
			r := int32(binary.LittleEndian.Uint32(b))
			b = b[4:]
			if r >= 0 {
				row = append(row, parquet.Int32Value(r).Level(0, 1, col))
			} else {
				row = append(row, parquet.NullValue().Level(0, 0, col))
			}
			col++
		}
		p.rows = append(p.rows, row)
	}
	_, err := p.w.WriteRows(p.rows)
	return err
}

func (p *parquetRows) close() error {
	if err := p.w.Close(); err != nil {
		return fmt.Errorf("replicates: %w", err)
	}
	return nil
}

// orderedGroup is a Parquet group whose columns keep the order given
// (parquet.Group sorts them by name).
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g orderedGroup) Fields() []parquet.Field { return g.fields }

// namedField is a column of an orderedGroup. Rows are written as values,
// never read from Go structs, so Value is not needed.
type namedField struct {
	parquet.Node
	name string
}

func field(name string, n parquet.Node) parquet.Field { return namedField{n, name} }

func (f namedField) Name() string                      { return f.name }
func (f namedField) Value(reflect.Value) reflect.Value { return reflect.Value{} }
