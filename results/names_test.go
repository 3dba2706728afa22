package results

import (
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/storage"
)

// TestSweepKeyOfCheckedNames checks the contract between spec.CheckName and
// SweepKey: SweepKey does no checking of its own, so every caller must pass
// a name that spec.CheckName accepts; such a name gives a valid key of
// exactly three segments (sweeps/<name>/<file>), and the hostile names
// below are all refused by CheckName. Some would give valid keys that
// address another sweep's files ("a/b" is a folder of sweep "a"), so a
// store's own key validation is not enough.
func TestSweepKeyOfCheckedNames(t *testing.T) {
	for _, name := range []string{"quickstart", "a", "0", "v1.2_rc-3", "c1-gaussian-loss", strings.Repeat("z", spec.MaxNameLen)} {
		if err := spec.CheckName(name); err != nil {
			t.Fatalf("CheckName(%q): %v", name, err)
		}
		for _, file := range []string{"spec.yaml", "manifest.jsonl", "sweep.json"} {
			key := SweepKey(name, file)
			if err := storage.ValidKey(key); err != nil {
				t.Errorf("SweepKey(%q, %q) = %q: %v", name, file, key, err)
			}
			if parts := strings.Split(key, "/"); len(parts) != 3 || parts[1] != name {
				t.Errorf("SweepKey(%q, %q) = %q: not sweeps/<name>/<file>", name, file, key)
			}
		}
	}
	hostile := []string{
		"", ".", "..", "../x", "a/../../etc", "/abs", "a/b", "a\\b", "a\x00b", "quick start", " t", "t ",
		"x/chunk-000000", "Quickstart", "-rf", ".hidden", "a:b", "quickst\u0430rt", "a\u2215b", "a\u200bb",
		"\ufefft", "x\x1b[31m", "a\nb", strings.Repeat("a", spec.MaxNameLen+1),
	}
	for _, name := range hostile {
		if err := spec.CheckName(name); err == nil {
			t.Errorf("CheckName(%q) accepted a hostile name", name)
		}
	}
}
