package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// TestServerFlags: `server --db postgres` hands the settings of its flags
// and TEMPORAL_DB_* to StandaloneServer, the password from the environment
// only (there is no flag for it) and never in its output; bad values are
// usage errors naming the flag and the value.
func TestServerFlags(t *testing.T) {
	var got ServerConfig
	old := StandaloneServer
	defer func() { StandaloneServer = old }()
	StandaloneServer = func(_ context.Context, cfg ServerConfig) (string, string, func() error, error) {
		got = cfg
		return "", "", nil, errors.New("fake server: not started")
	}
	const secret = "pg-secret-0123456789"
	t.Setenv("TEMPORAL_NAMESPACE", "")
	t.Setenv("TEMPORAL_DB_PASSWORD", secret)
	t.Setenv("TEMPORAL_DB_PORT", "15999")
	t.Setenv("TEMPORAL_DB_NAME", "t1")
	var out, errb bytes.Buffer
	code := Main([]string{"server", "--db", "postgres", "--db-host", "db.example", "--db-visibility-name", "v1", "--port", "0", "--state", t.TempDir()}, &out, &errb)
	if code == 0 {
		t.Fatalf("exit 0 with a failing server")
	}
	want := PostgresConfig{Host: "db.example", Port: 15999, User: "temporal", Password: secret, Database: "t1", VisibilityDatabase: "v1", HistoryShards: 4}
	if got.DB != "postgres" || got.Postgres != want || got.BindIP != "127.0.0.1" || got.Namespace != "default" {
		t.Errorf("StandaloneServer got %+v, want db postgres, bind 127.0.0.1, %+v", got, want)
	}
	if strings.Contains(out.String()+errb.String(), secret) {
		t.Errorf("the output contains the password")
	}

	// Help: the password variable is named, no password flag exists.
	out.Reset()
	errb.Reset()
	Main([]string{"server", "-h"}, &out, &errb)
	help := errb.String()
	if !strings.Contains(help, "TEMPORAL_DB_PASSWORD") || strings.Contains(help, "-db-password") || strings.Contains(help, secret) {
		t.Errorf("server -h: want TEMPORAL_DB_PASSWORD named, no password flag, no password:\n%s", help)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", "mysql"}, `--db "mysql"`},
		{[]string{"--db", "postgres", "--db-port", "0"}, "--db-port 0"},
		{[]string{"--db", "postgres", "--history-shards", "0"}, "--history-shards 0"},
		{[]string{"--db-password", "x"}, "db-password"},
	} {
		out.Reset()
		errb.Reset()
		got = ServerConfig{}
		code := Main(append([]string{"server", "--state", t.TempDir()}, tc.args...), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("server %q: exit %d, stderr %q; want exit 2 naming %q", tc.args, code, errb.String(), tc.want)
		}
		if got.DB != "" {
			t.Errorf("server %q: the server was started", tc.args)
		}
	}
}
