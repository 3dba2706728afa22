package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/open"
	"github.com/bitsweep/bitsweep/workflows"
)

// Env returns the environment variable k, or def when it is unset or empty.
func Env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// EnvInt is Env for integers (def when unset or not an integer).
func EnvInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil {
		return v
	}
	return def
}

// envDuration is Env for Go durations (def when unset or invalid).
func envDuration(k string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(k)); err == nil {
		return d
	}
	return def
}

// Conn is how to reach Temporal: flags with the environment variables of
// Temporal's own tools as defaults. An empty Address means local mode.
type Conn struct {
	Address   string
	Namespace string
	TaskQueue string
	TLS       TLS
}

// Flags registers the connection flags on fs.
func (c *Conn) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Address, "address", os.Getenv("TEMPORAL_ADDRESS"), "Temporal frontend host:port (TEMPORAL_ADDRESS); empty: local mode with an embedded server")
	fs.StringVar(&c.Namespace, "namespace", Env("TEMPORAL_NAMESPACE", "default"), "Temporal namespace (TEMPORAL_NAMESPACE)")
	fs.StringVar(&c.TaskQueue, "task-queue", Env("BITSWEEP_TASK_QUEUE", workflows.TaskQueue), "task queue of the workers (BITSWEEP_TASK_QUEUE)")
	c.TLS.Flags(fs)
}

// Dial connects to Temporal, logging through l at WARN and above.
func (c Conn) Dial(l *slog.Logger) (client.Client, error) {
	if c.Address == "" {
		return nil, usageError{fmt.Errorf("no Temporal address: set --address or TEMPORAL_ADDRESS")}
	}
	o := client.Options{
		HostPort:  c.Address,
		Namespace: c.Namespace,
		Logger:    tlog.NewStructuredLogger(l),
	}
	if err := c.TLS.apply(&o); err != nil {
		return nil, usageError{fmt.Errorf("temporal: %w", err)}
	}
	cl, err := client.Dial(o)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", c.Address, err)
	}
	return cl, nil
}

// OpenStore opens a result store from a URL or a directory path; S3
// endpoints and credentials come from the environment (see package
// storage), never from flags.
func OpenStore(ctx context.Context, url string) (storage.Store, error) {
	st, err := open.Open(ctx, url, storage.Options{CreateBucket: os.Getenv("BITSWEEP_S3_CREATE_BUCKET") != ""})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", url, err)
	}
	return st, nil
}

// CheckpointInterval is BITSWEEP_CHECKPOINT_INTERVAL (a Go duration such as
// "20s"), or 0 for the activities' default.
func CheckpointInterval() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("BITSWEEP_CHECKPOINT_INTERVAL"))
	return d
}
