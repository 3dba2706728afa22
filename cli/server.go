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
	ui := fs.Bool("ui", envBool("BITSWEEP_UI", true), "serve the Temporal Web UI on 127.0.0.1 (BITSWEEP_UI)")
	uiPort := fs.Int("ui-port", DefaultUIPort, "port of the Web UI on 127.0.0.1 (taken: the next free one; 0: any)")
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
	out := map[string]string{"address": addr, "namespace": ns, "state": *state}
	if *ui && WebUI != nil {
		url, stopUI, err := WebUI(ctx, addr, ns, *uiPort)
		if err != nil {
			fmt.Fprintf(stderr, "no Temporal Web UI: %v\n", err)
		} else {
			defer stopUI()
			out["ui"] = url
		}
	}
	json.NewEncoder(stdout).Encode(out)
	<-ctx.Done()
	return stop()
}
