// Command starter is the bitsweep command line: it trains single points,
// and launches, follows, resumes and reports sweeps. Run it with no
// arguments for the list of commands.
//
// Without --address (and TEMPORAL_ADDRESS) the sweep commands run in local
// mode: this binary embeds a Temporal server (package localserver),
// persisted under the results folder, an in-process worker and the
// Temporal Web UI (package webui) on 127.0.0.1:8233.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/bitsweep/bitsweep/cli"
	"github.com/bitsweep/bitsweep/localserver"
	"github.com/bitsweep/bitsweep/webui"
)

func main() {
	cli.LocalServer = func(ctx context.Context, dir string, port int) (string, string, func() error, error) {
		s, err := localserver.Start(ctx, localserver.Options{StateDir: dir, Port: port, LogLevel: slog.LevelError})
		if err != nil {
			return "", "", nil, err
		}
		return s.Address(), s.Namespace(), s.Stop, nil
	}
	cli.StandaloneServer = func(ctx context.Context, cfg cli.ServerConfig) (string, string, func() error, error) {
		o := localserver.Options{StateDir: cfg.StateDir, Port: cfg.Port, BindIP: cfg.BindIP, Namespace: cfg.Namespace, LogLevel: slog.LevelError}
		if cfg.DB == "postgres" {
			p := cfg.Postgres
			o.Postgres = &localserver.Postgres{Host: p.Host, Port: p.Port, User: p.User, Password: p.Password,
				Database: p.Database, VisibilityDatabase: p.VisibilityDatabase, HistoryShards: p.HistoryShards}
			if p.TLS {
				o.Postgres.ConnectAttributes = map[string]string{"sslmode": "require"}
			}
		}
		s, err := localserver.Start(ctx, o)
		if err != nil {
			return "", "", nil, err
		}
		return s.Address(), s.Namespace(), s.Stop, nil
	}
	cli.WebUI = func(ctx context.Context, addr, namespace string, port int) (string, func(), error) {
		s, err := webui.Start(ctx, addr, namespace, port)
		if err != nil {
			return "", nil, err
		}
		return s.WorkflowsURL(namespace), s.Stop, nil
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
