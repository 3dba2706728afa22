//go:build unix

package spec

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImageSourceNotAFile checks that an image source naming a FIFO is
// refused at once: opening a FIFO to read blocks until a writer comes, so a
// spec naming one used to hang Parse forever.
func TestImageSourceNotAFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "images.idx")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, src := range []string{"idx:" + fifo, "cifar10:" + fifo, "idx:images.idx"} {
		done := make(chan error, 1)
		go func() {
			_, err := Parse([]byte("name: t\nfixed: {source: \""+src+"\", rate: 1}\ngrid: {arch: [linear]}\n"), filepath.Join(filepath.Dir(fifo), "t.yaml"))
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "fixed.source = "+src+": cannot use "+fifo+": not a regular file or a directory (a named pipe)") {
				t.Errorf("%s: got %v", src, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Parse is blocked opening the FIFO", src)
		}
	}
}
