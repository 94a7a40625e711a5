package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/negsim/negsim/atomicfile"
	"github.com/negsim/negsim/limitread"
	"github.com/negsim/negsim/models"
)

// OutputsFile lists, in an experiment's output directory, every file the
// complete run wrote (tables, figures, manifests and counts files, those of
// includes too) with its size and SHA-256, and the digest of the inputs
// that made them (InputsDigest). When a rerun has the same inputs and every
// listed file is as written, the directory is up to date and nothing needs
// to run or be written (UpToDate).
const OutputsFile = "outputs.json"

const outputsFormat = "negsim-outputs/1"

type outputsList struct {
	Format string       `json:"format"`
	Inputs string       `json:"inputs_sha256"`
	Files  []outputFile `json:"files"`
}

type outputFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// InputsDigest returns the SHA-256 of everything that determines the files
// of spec's output directory: the strings in extra (the caller passes the
// negsim version, a hash of its executable and the command line), and the
// path and bytes of every experiment file and scenario file spec and its
// includes read (the embedded default scenario's bytes when they name
// none).
func InputsDigest(spec *Spec, extra ...string) (string, error) {
	h := sha256.New()
	put := func(s string) { fmt.Fprintf(h, "%d:%s;", len(s), s) }
	for _, e := range extra {
		put(e)
	}
	seen := map[*Spec]bool{}
	var walk func(s *Spec) error
	walk = func(s *Spec) error {
		if seen[s] {
			return nil
		}
		seen[s] = true
		raw, err := limitread.ReadFile(s.File, MaxFileSize)
		if err != nil {
			return err
		}
		put("experiment " + s.File)
		put(string(raw))
		if s.Scenario == "" {
			put("embedded scenario")
			put(string(models.DefaultBytes()))
		} else {
			path := s.Scenario
			if !filepath.IsAbs(path) {
				path = filepath.Join(filepath.Dir(s.File), path)
			}
			raw, err := limitread.ReadFile(path, MaxFileSize*64)
			if err != nil {
				return err
			}
			put("scenario " + path)
			put(string(raw))
		}
		for _, inc := range s.Includes {
			if err := walk(inc); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(spec); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// listFiles returns every regular file under dir but OutputsFile and hidden
// entries (a transaction's siblings), with its size and SHA-256, in path
// order.
func listFiles(dir string) ([]outputFile, error) {
	var out []outputFile
	err := filepath.WalkDir(dir, func(path string, d iofs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() || rel == OutputsFile || !d.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return err
		}
		out = append(out, outputFile{Path: filepath.ToSlash(rel), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// WriteOutputs writes dir/OutputsFile for a complete run made from the
// inputs of digest.
func WriteOutputs(dir, digest string) error {
	files, err := listFiles(dir)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(outputsList{Format: outputsFormat, Inputs: digest, Files: files}, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, OutputsFile), append(b, '\n'))
}

// UpToDate reports whether dir holds the complete output of the inputs of
// digest: its OutputsFile records digest, and the files under dir are
// exactly those it lists, each with its recorded size and SHA-256.
func UpToDate(dir, digest string) (bool, error) {
	b, err := limitread.ReadFile(filepath.Join(dir, OutputsFile), MaxFileSize)
	if errors.Is(err, iofs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var l outputsList
	if json.Unmarshal(b, &l) != nil || l.Format != outputsFormat || l.Inputs != digest {
		return false, nil
	}
	files, err := listFiles(dir)
	if err != nil {
		return false, nil
	}
	if len(files) != len(l.Files) {
		return false, nil
	}
	for i := range files {
		if files[i] != l.Files[i] {
			return false, nil
		}
	}
	return true, nil
}
