//go:build unix

package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lock takes the store's lock, exclusive for commits and shared for reads
// that must not interleave with one, and returns the function that releases
// it. It polls with a non-blocking flock so that ctx can interrupt the wait.
//
// Every call opens the lock file anew: flock locks belong to an open file
// description, so this excludes other goroutines of this process as well as
// other processes.
func (s *Store) lock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	// This process's lockers first take s.local (all of it to write, one
	// unit to read): they wait in order on a semaphore that ctx can
	// interrupt, and only the one at the head polls the flock, against
	// other processes.
	n := int64(1)
	if exclusive {
		n = maxReaders
	}
	if err := s.local.Acquire(ctx, n); err != nil {
		return nil, err
	}
	release, err := s.flock(ctx, exclusive)
	if err != nil {
		s.local.Release(n)
		return nil, err
	}
	return func() { release(); s.local.Release(n) }, nil
}

// flock takes the flock of the store's lock file.
func (s *Store) flock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	f, err := s.root.OpenFile(lockName, os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) { // .bitsweep~ was removed since New
		if mkErr := s.root.MkdirAll(metaDir, 0o777); mkErr != nil && exclusive {
			err = mkErr
		} else {
			f, err = s.root.OpenFile(lockName, os.O_RDONLY|os.O_CREATE, 0o666)
		}
	}
	if err != nil {
		if !exclusive && isReadOnly(err) {
			return func() {}, nil // nobody can write here: nothing to wait for
		}
		return nil, fmt.Errorf("lock: %w", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	wait := 50 * time.Microsecond
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Millisecond)
	}
}

// explain prefixes errors caused by the state of the file system with what
// they mean for the user.
func explain(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("disk full: %w", err)
	case errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("disk quota exceeded: %w", err)
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("read-only file system: %w", err)
	}
	return err
}

func isReadOnly(err error) bool { return errors.Is(err, syscall.EROFS) }
