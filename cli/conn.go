package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
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

// envErrs collects environment variables that are set but invalid, found
// while flags take their defaults from the environment; EnvError reports
// them after parsing. newFlags clears it.
var (
	envMu   sync.Mutex
	envErrs []error
)

func envInvalid(k, v, want string) {
	envMu.Lock()
	defer envMu.Unlock()
	envErrs = append(envErrs, fmt.Errorf("%s=%q: %s", k, v, want))
}

// EnvError returns the invalid environment variables met by EnvInt and the
// other typed lookups since the flags were set up, or nil.
func EnvError() error {
	envMu.Lock()
	defer envMu.Unlock()
	return errors.Join(envErrs...)
}

func resetEnvErrors() {
	envMu.Lock()
	envErrs = nil
	envMu.Unlock()
}

// EnvInt is Env for integers: def when unset; an invalid value is recorded
// for EnvError and def used meanwhile.
func EnvInt(k string, def int) int {
	s := os.Getenv(k)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		envInvalid(k, s, "not an integer")
		return def
	}
	return v
}

// envBool is EnvInt for booleans (strconv.ParseBool: 1, t, true, 0, f,
// false, …).
func envBool(k string, def bool) bool {
	s := os.Getenv(k)
	if s == "" {
		return def
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		envInvalid(k, s, "not true or false")
		return def
	}
	return v
}

// envDuration is EnvInt for Go durations ("30s", "2m").
func envDuration(k string, def time.Duration) time.Duration {
	s := os.Getenv(k)
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		envInvalid(k, s, `not a duration (e.g. "30s")`)
		return def
	}
	return d
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

// A DialOption adjusts the client's options before Dial connects.
type DialOption func(*client.Options)

// WithMetrics makes the client, and the workers built on it, report the
// SDK's metrics to h (e.g. telemetry.NewSDKHandler). Without it the SDK
// reports none.
func WithMetrics(h client.MetricsHandler) DialOption {
	return func(o *client.Options) { o.MetricsHandler = h }
}

// Dial connects to Temporal, logging through l at WARN and above. The
// options apply in order, after the connection flags (TLS included).
func (c Conn) Dial(l *slog.Logger, opts ...DialOption) (client.Client, error) {
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
	if loopback(c.Address) {
		// The SDK gzips every request by default. On a loopback link
		// there is no bandwidth to save, and compressing on the worker
		// and decompressing on the server cost both CPU (≈ 4.5 % of a
		// worker's, per point, in bench/orchestration).
		o.ConnectionOptions.GrpcCompression = &client.GrpcCompressionNone{}
	}
	for _, opt := range opts {
		opt(&o)
	}
	cl, err := client.Dial(o)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", c.Address, err)
	}
	return cl, nil
}

// loopback reports whether addr (host:port) names this machine: a
// loopback IP or "localhost".
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
// "20s"), or 0 for the activities' default; an invalid or negative value is
// recorded for EnvError.
func CheckpointInterval() time.Duration {
	d := envDuration("BITSWEEP_CHECKPOINT_INTERVAL", 0)
	if d < 0 {
		envInvalid("BITSWEEP_CHECKPOINT_INTERVAL", os.Getenv("BITSWEEP_CHECKPOINT_INTERVAL"), "must not be negative")
		return 0
	}
	return d
}
