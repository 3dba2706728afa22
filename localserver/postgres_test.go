package localserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// testPostgres returns the settings of a fresh pair of databases on the
// PostgreSQL of .ci/postgres.sh (TEMPORAL_DB_* in the environment), set up
// by temporal-sql-tool through `.ci/postgres.sh schema` and dropped at the
// end. It skips the test when no PostgreSQL is configured or reachable.
func testPostgres(t *testing.T) *Postgres {
	t.Helper()
	host, port := os.Getenv("TEMPORAL_DB_HOST"), os.Getenv("TEMPORAL_DB_PORT")
	if host == "" || port == "" {
		t.Skip("no PostgreSQL: TEMPORAL_DB_HOST/TEMPORAL_DB_PORT unset (eval \"$(bash .ci/postgres.sh start)\")")
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 2*time.Second)
	if err != nil {
		t.Skipf("no PostgreSQL reachable at %s:%s: %v", host, port, err)
	}
	conn.Close()
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("TEMPORAL_DB_PORT=%q: %v", port, err)
	}
	raw := make([]byte, 4)
	rand.Read(raw)
	db := "localserver_" + hex.EncodeToString(raw)
	pg := &Postgres{Host: host, Port: p, User: os.Getenv("TEMPORAL_DB_USER"), Password: os.Getenv("TEMPORAL_DB_PASSWORD"),
		Database: db, VisibilityDatabase: db + "_visibility"}
	script := func(args ...string) {
		t.Helper()
		out, err := exec.Command("bash", append([]string{"../.ci/postgres.sh"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf(".ci/postgres.sh %v: %v\n%s", args, err, out)
		}
	}
	script("schema", pg.Database, pg.VisibilityDatabase)
	t.Cleanup(func() { script("drop", pg.Database, pg.VisibilityDatabase) })
	return pg
}

// syncBuffer collects the server's log lines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPostgres runs the server on PostgreSQL: namespace registered through
// the frontend, a workflow before and after an in-process restart (its
// history is in PostgreSQL, visibility too), nothing in the state dir but
// the lock and the port, no password in the logs.
func TestPostgres(t *testing.T) {
	pg := testPostgres(t)
	dir := t.TempDir()
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	start := func() *Server {
		t.Helper()
		t0 := time.Now()
		s, err := Start(ctx, Options{StateDir: dir, Postgres: pg, Logger: logger, LogLevel: slog.LevelInfo})
		if err != nil {
			t.Fatalf("Start on %s: %v", pg, err)
		}
		t.Logf("start on %s: %v", pg, time.Since(t0).Round(time.Millisecond))
		return s
	}
	s := start()
	assertLoopbackListeners(t)
	c := dial(t, s)
	w := startWorker(t, c)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "pg-greet-1", TaskQueue: taskQueue}, greetWorkflow, "postgres")
	if err != nil {
		t.Fatalf("ExecuteWorkflow: %v", err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil || out != "hello postgres" {
		t.Fatalf("workflow: %q, %v", out, err)
	}
	w.Stop()
	c.Close()
	stopServer(t, s)

	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != lockFileName && e.Name() != portFileName {
			t.Errorf("state dir holds %s; on PostgreSQL it should hold only %s and %s", e.Name(), lockFileName, portFileName)
		}
	}

	s = start()
	defer stopServer(t, s)
	c = dial(t, s)
	defer c.Close()
	w = startWorker(t, c)
	defer w.Stop()
	d, err := c.DescribeWorkflowExecution(ctx, "pg-greet-1", "")
	if err != nil {
		t.Fatalf("the workflow of the first start is gone after the restart: %v", err)
	}
	if st := d.GetWorkflowExecutionInfo().GetStatus().String(); st != "Completed" {
		t.Errorf("status after restart %s, want Completed", st)
	}
	run, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "pg-greet-2", TaskQueue: taskQueue}, greetWorkflow, "again")
	if err != nil {
		t.Fatalf("ExecuteWorkflow after restart: %v", err)
	}
	if err := run.Get(ctx, &out); err != nil || out != "hello again" {
		t.Fatalf("workflow after restart: %q, %v", out, err)
	}
	// Visibility on PostgreSQL: both runs are listed.
	var listed int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{})
		if err != nil {
			t.Fatalf("ListWorkflow: %v", err)
		}
		if listed = len(resp.GetExecutions()); listed >= 2 {
			break
		}
	}
	if listed != 2 {
		t.Errorf("visibility lists %d runs, want 2", listed)
	}
	if pg.Password != "" && strings.Contains(logs.String(), pg.Password) {
		t.Errorf("the server's logs contain the PostgreSQL password")
	}
}

// TestPostgresErrors: bad settings fail with messages that name them and
// never the password.
func TestPostgresErrors(t *testing.T) {
	for _, tc := range []struct {
		pg   Postgres
		want string
	}{
		{Postgres{Port: 5432}, "user is required"},
		{Postgres{User: "u", Port: 70000}, "invalid PostgreSQL port 70000"},
		{Postgres{User: "u", Database: "x", VisibilityDatabase: "x"}, "must differ"},
	} {
		_, err := Start(context.Background(), Options{StateDir: t.TempDir(), Postgres: &tc.pg})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.pg, err, tc.want)
		}
	}
	if _, err := Start(context.Background(), Options{StateDir: t.TempDir(), BindIP: "::1"}); err == nil || !strings.Contains(err.Error(), `"::1"`) {
		t.Errorf("BindIP ::1: error %v, want one naming it", err)
	}

	// Wrong password against a real PostgreSQL: a clear error, no password.
	host, port := os.Getenv("TEMPORAL_DB_HOST"), os.Getenv("TEMPORAL_DB_PORT")
	if host == "" {
		return
	}
	p, _ := strconv.Atoi(port)
	secret := "wrong-password-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	var logs syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := Start(ctx, Options{StateDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&logs, nil)), LogLevel: slog.LevelDebug,
		Postgres: &Postgres{Host: host, Port: p, User: os.Getenv("TEMPORAL_DB_USER"), Password: secret}})
	if err == nil {
		t.Fatal("Start with a wrong password succeeded")
	}
	t.Logf("wrong password: %v", err)
	if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
		t.Errorf("the error or the logs contain the password")
	}
}
