package open_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/storage/open"
	"github.com/bitsweep/bitsweep/storage/s3"
)

func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tt := range []struct{ url, dir string }{
		{filepath.Join(dir, "plain"), filepath.Join(dir, "plain")},
		{"relative/dir", filepath.Join(dir, "relative", "dir")},
		{"file://" + filepath.Join(dir, "url"), filepath.Join(dir, "url")},
		{"file://localhost" + filepath.Join(dir, "local"), filepath.Join(dir, "local")},
		{"file://" + filepath.Join(dir, "with%20space"), filepath.Join(dir, "with space")},
	} {
		s, err := open.Open(t.Context(), tt.url, storage.Options{})
		if err != nil {
			t.Errorf("Open(%q): %v", tt.url, err)
			continue
		}
		fs, ok := s.(*file.Store)
		if !ok {
			t.Errorf("Open(%q) = %T, want *file.Store", tt.url, s)
			continue
		}
		if got, _ := filepath.EvalSymlinks(fs.Dir()); got != evalOr(tt.dir) {
			t.Errorf("Open(%q) dir = %q, want %q", tt.url, fs.Dir(), tt.dir)
		}
		if !strings.HasPrefix(s.String(), "file:///") {
			t.Errorf("String() = %q", s.String())
		}
		fs.Close()
	}
}

func evalOr(p string) string {
	if e, err := filepath.EvalSymlinks(p); err == nil {
		return e
	}
	return p
}

func TestOpenErrors(t *testing.T) {
	for _, u := range []string{
		"", "s3://", "s3:///prefix", "file://otherhost/x", "file://", "gs://bucket/x",
		"s3://user:hunter2@bucket/x", "s3://bucket/x?endpoint=y",
	} {
		_, err := open.Open(t.Context(), u, storage.Options{Getenv: func(string) string { return "" }})
		if err == nil {
			t.Errorf("Open(%q) succeeded", u)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q) error shows the password: %v", u, err)
		}
	}
}

// TestOpenS3 needs a server; see storage/s3's tests.
func TestOpenS3(t *testing.T) {
	endpoint := os.Getenv("BITSWEEP_TEST_S3_ENDPOINT")
	if endpoint == "" {
		t.Skip("BITSWEEP_TEST_S3_ENDPOINT is not set: no S3 server to test against")
	}
	s, err := open.Open(t.Context(), "s3://bitsweep-test/open-test/x", storage.Options{
		Endpoint: "http://" + endpoint, CreateBucket: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*s3.Store); !ok || s.String() != "s3://bitsweep-test/open-test/x" {
		t.Fatalf("Open = %T %s", s, s)
	}
	if pw := os.Getenv("MINIO_ROOT_PASSWORD"); pw != "" && strings.Contains(s.String(), pw) {
		t.Fatal("String shows the password")
	}
}
