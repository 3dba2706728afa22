//go:build !unix

package localserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// dirLock on systems without flock: an exclusively created lock file. A
// process killed while holding it leaves it behind; remove it by hand.
type dirLock struct {
	path string
}

func acquireLock(dir string) (*dirLock, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("localserver: %w: %s is in use by another local Temporal server (lock file %s: remove it if no server runs)",
				ErrLocked, dir, path)
		}
		return nil, fmt.Errorf("localserver: creating lock file %s: %w", path, err)
	}
	_, _ = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	_ = f.Close()
	return &dirLock{path: path}, nil
}

func (l *dirLock) release() error {
	if l == nil || l.path == "" {
		return nil
	}
	err := os.Remove(l.path)
	l.path = ""
	return err
}
