package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ServerConfig is what `starter server` asks of StandaloneServer.
type ServerConfig struct {
	// StateDir: the SQLite database (DB "sqlite"), or only the lock and
	// the port file (DB "postgres").
	StateDir string
	// Port of the frontend; 0 reuses the last one or picks a free one.
	Port int
	// BindIP of the frontend: 127.0.0.1, or 0.0.0.0 in a container.
	BindIP string
	// Namespace registered at start (kept when it exists).
	Namespace string
	// DB is "sqlite" or "postgres".
	DB string
	// Postgres settings, for DB "postgres".
	Postgres PostgresConfig
}

// PostgresConfig is the PostgreSQL of `starter server --db postgres`. The
// password comes from TEMPORAL_DB_PASSWORD only, never a flag.
type PostgresConfig struct {
	Host, User, Password, Database, VisibilityDatabase string
	Port, HistoryShards                                int
	TLS                                                bool // sslmode=require
}

// StandaloneServer starts the embedded Temporal server of `starter server`
// and returns its address, namespace and a stop function. The starter's
// main package sets it (package localserver), like LocalServer.
var StandaloneServer func(ctx context.Context, cfg ServerConfig) (addr, namespace string, stop func() error, err error)

// runServer runs the embedded Temporal server on its own until interrupted:
// for several local worker processes, the fault suite, deploy/local and
// deploy/compose.yaml. On SQLite in a state folder, or on PostgreSQL
// (--db postgres: the server's postgres12 plugin, schemas set up by
// temporal-sql-tool).
func runServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("server", stderr)
	state := fs.String("state", "./bitsweep-temporal", "state folder (SQLite database; with --db postgres only the lock and port files)")
	port := fs.Int("port", 7233, "frontend port (0: reuse the last one or pick a free one)")
	bind := fs.String("bind", Env("BITSWEEP_SERVER_BIND", "127.0.0.1"), "IPv4 address the frontend listens on; 0.0.0.0 in a container (BITSWEEP_SERVER_BIND)")
	namespace := fs.String("namespace", Env("TEMPORAL_NAMESPACE", "default"), "namespace registered at start (TEMPORAL_NAMESPACE)")
	db := fs.String("db", Env("BITSWEEP_SERVER_DB", "sqlite"), "persistence: sqlite (in --state) or postgres (BITSWEEP_SERVER_DB)")
	var pg PostgresConfig
	fs.StringVar(&pg.Host, "db-host", Env("TEMPORAL_DB_HOST", "127.0.0.1"), "PostgreSQL host (TEMPORAL_DB_HOST)")
	fs.IntVar(&pg.Port, "db-port", EnvInt("TEMPORAL_DB_PORT", 5432), "PostgreSQL port (TEMPORAL_DB_PORT)")
	fs.StringVar(&pg.User, "db-user", Env("TEMPORAL_DB_USER", "temporal"), "PostgreSQL user (TEMPORAL_DB_USER); the password is read from TEMPORAL_DB_PASSWORD only")
	fs.StringVar(&pg.Database, "db-name", Env("TEMPORAL_DB_NAME", "temporal"), "database of the default store (TEMPORAL_DB_NAME)")
	fs.StringVar(&pg.VisibilityDatabase, "db-visibility-name", Env("TEMPORAL_DB_VISIBILITY_NAME", "temporal_visibility"), "database of the visibility store (TEMPORAL_DB_VISIBILITY_NAME)")
	fs.BoolVar(&pg.TLS, "db-tls", envBool("TEMPORAL_DB_TLS", false), "TLS to PostgreSQL, sslmode=require (TEMPORAL_DB_TLS)")
	fs.IntVar(&pg.HistoryShards, "history-shards", EnvInt("TEMPORAL_HISTORY_SHARDS", 4), "history shards of a new PostgreSQL cluster; fixed once the server first ran on its databases (TEMPORAL_HISTORY_SHARDS)")
	ui := fs.Bool("ui", envBool("BITSWEEP_UI", true), "serve the Temporal Web UI on 127.0.0.1 (BITSWEEP_UI)")
	uiPort := fs.Int("ui-port", DefaultUIPort, "port of the Web UI on 127.0.0.1 (taken: the next free one; 0: any)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	cfg := ServerConfig{StateDir: *state, Port: *port, BindIP: *bind, Namespace: *namespace, DB: strings.ToLower(*db)}
	switch cfg.DB {
	case "sqlite":
	case "postgres", "postgresql":
		cfg.DB = "postgres"
		pg.Password = os.Getenv("TEMPORAL_DB_PASSWORD")
		if pg.Port < 1 || pg.Port > 65535 {
			return usageError{fmt.Errorf("--db-port %d: want 1 to 65535", pg.Port)}
		}
		if pg.User == "" || pg.Database == "" || pg.VisibilityDatabase == "" {
			return usageError{errors.New("--db-user, --db-name and --db-visibility-name must not be empty")}
		}
		if pg.HistoryShards < 1 {
			return usageError{fmt.Errorf("--history-shards %d: want at least 1", pg.HistoryShards)}
		}
		cfg.Postgres = pg
	default:
		return usageError{fmt.Errorf("--db %q: want sqlite or postgres", *db)}
	}
	if *port < 0 || *port > 65535 {
		return usageError{fmt.Errorf("--port %d: want 0 to 65535", *port)}
	}
	if StandaloneServer == nil {
		return usageError{errors.New("this binary has no embedded Temporal server")}
	}
	addr, ns, stop, err := StandaloneServer(ctx, cfg)
	if err != nil {
		return fmt.Errorf("start the Temporal server: %w", err)
	}
	out := map[string]string{"address": addr, "namespace": ns, "state": *state, "db": cfg.DB}
	if cfg.DB == "postgres" {
		out["database"] = pg.Database
		out["visibility_database"] = pg.VisibilityDatabase
	}
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
