package spec

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// malformedDir holds the corpus of malformed and hostile specs: one file per
// case, named by what it tests, whose first line is
//
//	# want: SUBSTRING
//
// (after an optional UTF-8 byte-order mark) and SUBSTRING is part of one of
// the errors Parse reports for the file, formatted as
// "FILE:LINE:COL: PATH = VALUE: MESSAGE" (so it names the field and, where
// there is one, the value).
const malformedDir = "testdata/malformed"

// minMalformed is the least number of files the corpus may hold.
const minMalformed = 200

// wholeFile are the messages of errors that concern the whole file and so
// have no line: every other error must have one.
var wholeFile = []string{
	"the spec is empty",
	"larger than 1048576 bytes",
	"too many errors",
	"exceeded max depth", // yaml.v3's own nesting limit, reported without a line
}

// malformedFiles lists the corpus.
func malformedFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(malformedDir, "*.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// corpusWant reads the "# want:" line at the top of a corpus file.
func corpusWant(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	line = strings.TrimPrefix(line, "\ufeff")
	line = strings.TrimRight(line, "\r\n")
	if i := strings.IndexByte(line, '\r'); i >= 0 { // a file with CR line ends
		line = line[:i]
	}
	want, ok := strings.CutPrefix(line, "# want: ")
	if !ok || strings.TrimSpace(want) == "" {
		return "", errors.New(`the first line is not "# want: SUBSTRING"`)
	}
	return want, nil
}

func TestMalformedCorpusSize(t *testing.T) {
	if n := len(malformedFiles(t)); n < minMalformed {
		t.Errorf("%s holds %d specs, want at least %d", malformedDir, n, minMalformed)
	}
}

// TestMalformedCorpus parses every file of the corpus: each must be refused,
// with an error containing its want substring, every error located (line
// and column) unless it concerns the whole file, and quickly and cheaply,
// whatever the file tries (alias bombs, huge grids, huge scalars).
func TestMalformedCorpus(t *testing.T) {
	const (
		maxTime  = 5 * time.Second // per file; most take well under a millisecond
		maxAlloc = 256 << 20       // bytes allocated per file
	)
	files := malformedFiles(t)
	if len(files) == 0 {
		t.Fatalf("no files in %s", malformedDir)
	}
	start := time.Now()
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			want, err := corpusWant(path)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			var s *Spec
			began := time.Now()
			allocated := measureAlloc(func() { s, err = ParseFile(path) })
			took := time.Since(began)
			if s != nil || err == nil {
				t.Fatalf("accepted (%d points), want an error containing %q", s.Total(), want)
			}
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error %v (%T), want a non-empty ErrorList", err, err)
			}
			found := false
			for _, e := range el {
				msg := e.Error()
				if strings.Contains(msg, want) {
					found = true
					// The want names the field and its value, when the
					// error has them.
					if e.Path != "" && !strings.Contains(want, e.Path+": ") && !strings.Contains(want, e.Path+" = "+e.Value+": ") {
						t.Errorf("want %q does not name the field and value of %s", want, msg)
					}
				}
				if e.File != path {
					t.Errorf("File = %q, want %q: %s", e.File, path, msg)
				}
				if e.Msg == "" {
					t.Errorf("empty message: %#v", e)
				}
				// Values and keys are quoted when they do not print: no
				// escape sequence from a spec reaches the terminal.
				if !printable(msg) {
					t.Errorf("unprintable characters in %q", msg)
				}
				if e.Line > 0 != (e.Column > 0) {
					t.Errorf("line %d, column %d: %s", e.Line, e.Column, msg)
				}
				if e.Line == 0 && !containsAny(e.Msg, wholeFile) {
					t.Errorf("no line: %s", msg)
				}
			}
			if !found {
				t.Errorf("no error contains %q; got:\n%s", want, truncate(el.Error(), 4000))
			}
			if took > maxTime {
				t.Errorf("Parse took %v", took)
			}
			if allocated > maxAlloc {
				t.Errorf("Parse allocated %d MiB", allocated>>20)
			}
		})
	}
	t.Logf("%d files in %v", len(files), time.Since(start))
}

// TestMalformedCorpusBombsAreCheap checks that the alias bombs and other
// amplification attempts of the corpus are refused without being expanded:
// they must cost far less than the budget of an ordinary file.
func TestMalformedCorpusBombsAreCheap(t *testing.T) {
	n := 0
	for _, path := range malformedFiles(t) {
		base := filepath.Base(path)
		if !strings.HasPrefix(base, "bomb-") && !strings.HasPrefix(base, "deep-") && !strings.Contains(base, "aliased") {
			continue
		}
		n++
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		allocated := measureAlloc(func() { _, err = Parse(data, base) })
		took := time.Since(began)
		if err == nil {
			t.Errorf("%s: accepted", base)
		}
		if limit := uint64(64<<20) + 32*uint64(len(data)); allocated > limit {
			t.Errorf("%s: allocated %d MiB (limit %d MiB)", base, allocated>>20, limit>>20)
		}
		if took > time.Second {
			t.Errorf("%s: took %v", base, took)
		}
	}
	if n < 10 {
		t.Errorf("only %d bombs in the corpus", n)
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// TestMalformedCorpusFilesAreDistinct guards against copies: two files with
// the same body test the same thing.
func TestMalformedCorpusFilesAreDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, path := range malformedFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The file without the text of its want line (a BOM before it
		// stays).
		if i, j := bytes.Index(data, []byte("# want: ")), bytes.IndexAny(data, "\r\n"); i >= 0 && j > i {
			data = append(data[:i:i], data[j:]...)
		}
		if other, dup := seen[string(data)]; dup {
			t.Errorf("%s and %s have the same body", other, path)
		}
		seen[string(data)] = path
	}
}

// TestAliasesStillWork checks that a valid spec may reuse values through
// anchors and aliases (in fixed, in an axis and in exclusions): Parse reads
// an aliased node once and an alias of an earlier item of the same axis is
// a duplicate, but nothing else changes.
func TestAliasesStillWork(t *testing.T) {
	const src = `name: aliases
fixed: {source: &src gaussian, d: &d 8, rate: 1}
grid:
  arch: [&lin linear, denoiser]
  sparsity: [&p 0.5, 1]
exclude:
  - {arch: *lin, sparsity: *p}
`
	s, err := Parse([]byte(src), "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Total() != 4 || len(s.Points()) != 3 || s.Fixed.Source != "gaussian" || s.Fixed.Dim != 8 {
		t.Errorf("%d of %d points, fixed %+v", len(s.Points()), s.Total(), s.Fixed)
	}
	_, err = Parse([]byte("name: t\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid:\n  arch: [&a linear, *a]\n"), "a.yaml")
	if err == nil || !strings.Contains(err.Error(), "a.yaml:4:10: grid.arch[1] = linear: duplicate value (also at line 4)") {
		t.Errorf("got %v", err)
	}
}
