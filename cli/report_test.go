package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Several --store flags report on their union; each must open.
func TestReportStores(t *testing.T) {
	ctx := context.Background()
	a, b, out := t.TempDir(), t.TempDir(), t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := runReport(ctx, []string{"--store", a, "--store", b, "--no-figures", "--out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("report over two stores: %v (%s)", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "0 points, 0 problems") {
		t.Errorf("stdout %q", stdout.String())
	}
	err := runReport(ctx, []string{"--store", a, "--store", "s3://", "--out", out}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "s3://") {
		t.Errorf("a store that cannot open: error %v, want it to name the URL", err)
	}
}
