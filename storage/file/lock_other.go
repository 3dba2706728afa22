//go:build !unix

package file

import (
	"context"
	"sync"
)

// procLock serializes commits within this process only: there is no flock.
var procLock sync.RWMutex

func (s *Store) lock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if exclusive {
		procLock.Lock()
		return procLock.Unlock, nil
	}
	procLock.RLock()
	return procLock.RUnlock, nil
}

func explain(err error) error { return err }

func isReadOnly(error) bool { return false }
