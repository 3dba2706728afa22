package data

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// fusedOp matches fused multiply-add/subtract mnemonics in `go tool objdump`
// output: amd64 VFMADD231SD, VFNMSUB…; arm64 FMADDD, FMSUBD, FNMADDD…
// (but not FNMULD, a plain negated multiply).
var fusedOp = regexp.MustCompile(`(?i)\bV?FN?M(ADD|SUB)`)

// TestNoFMAContraction compiles this package for targets whose compiler
// contracts x*y+z into one fused instruction (amd64 with GOAMD64=v3, arm64)
// and checks in the assembly listing that none remains: a fused operation rounds once instead of
// twice, so it would make Batch's bits depend on the machine. Every product
// that can reach an addition is wrapped in float64(…) to forbid fusion (Go
// spec, "Floating-point operators"). Skipped with -short; the first run on a
// machine cross-compiles the standard library (tens of seconds), later runs
// hit the build cache.
func TestNoFMAContraction(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the package; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH")
	}
	for _, target := range [][]string{
		{"GOARCH=amd64", "GOAMD64=v3"},
		{"GOARCH=arm64"},
	} {
		// -gcflags=-S prints this package's assembly (the build cache
		// replays it on a hit). `go tool objdump` is no use here: it does
		// not decode the VEX-encoded FMA instructions of amd64.
		build := exec.Command(goTool, "build", "-o", os.DevNull, "-gcflags=-S", ".")
		build.Env = append(append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0"), target...)
		out, err := build.CombinedOutput()
		if err != nil {
			t.Fatalf("%v go build: %v\n%s", target, err, out)
		}
		if !strings.Contains(string(out), "TEXT") {
			t.Fatalf("%v go build -gcflags=-S printed no assembly", target)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if fusedOp.MatchString(line) {
				t.Errorf("%v: fused multiply-add in the package: %s", target, strings.TrimSpace(line))
			}
		}
	}
}
