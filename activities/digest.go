package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/spec"
)

// DigestInput is the input of DigestChunk: the chunk [Lo, Hi) of a sweep.
type DigestInput struct {
	Sweep    string `json:"sweep"`
	Spec     []byte `json:"spec"`
	SpecFile string `json:"spec_file,omitempty"`
	Lo       int    `json:"lo"`
	Hi       int    `json:"hi"`
}

// digestConcurrency is the number of result.json read at once for a digest.
const digestConcurrency = 32

// DigestChunk writes the digest of a finished chunk (results.WriteDigest):
// copies of its points' result.json in one object, so that a report reads
// the chunk in one request. It returns the number of points in it.
func (a *Activities) DigestChunk(ctx context.Context, in DigestInput) (int, error) {
	if err := spec.CheckName(in.Sweep); err != nil {
		return 0, temporal.NewNonRetryableApplicationError(fmt.Sprintf("sweep name %q: %v", in.Sweep, err), ErrInvalidSpec, nil)
	}
	s, err := parseSpec(in.Spec, in.SpecFile)
	if err != nil {
		return 0, err
	}
	if in.Lo < 0 || in.Hi > s.Total() || in.Lo > in.Hi {
		return 0, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("chunk [%d, %d) outside the sweep's %d points", in.Lo, in.Hi, s.Total()), ErrInvalidSpec, nil)
	}
	var ids []string
	for i := in.Lo; i < in.Hi; i++ {
		if p, excluded := s.At(i); !excluded {
			ids = append(ids, p.ID)
		}
	}
	stop := heartbeatEvery(ctx, 10*time.Second)
	defer stop()
	return results.WriteDigest(ctx, a.Store, in.Sweep, in.Lo, ids, digestConcurrency)
}
