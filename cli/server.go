package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// runServer runs the embedded Temporal server on its own (127.0.0.1 only)
// until interrupted: for several local worker processes, the fault suite
// and deploy/local.
func runServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("server", stderr)
	state := fs.String("state", "./bitsweep-temporal", "state folder (SQLite database)")
	port := fs.Int("port", 7233, "frontend port on 127.0.0.1 (0: reuse the last one or pick a free one)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if LocalServer == nil {
		return usageError{errors.New("this binary has no embedded Temporal server")}
	}
	addr, ns, stop, err := LocalServer(ctx, *state, *port)
	if err != nil {
		return fmt.Errorf("start the Temporal server: %w", err)
	}
	json.NewEncoder(stdout).Encode(map[string]string{"address": addr, "namespace": ns, "state": *state})
	<-ctx.Done()
	return stop()
}
