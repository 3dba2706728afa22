package localserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

const taskQueue = "localserver-test"

func greetActivity(_ context.Context, name string) (string, error) {
	return "hello " + name, nil
}

func greetWorkflow(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var out string
	err := workflow.ExecuteActivity(ctx, greetActivity, name).Get(ctx, &out)
	return out, err
}

// signalWorkflow waits for a "go" signal, then runs the activity.
func signalWorkflow(ctx workflow.Context) (string, error) {
	var name string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &name)
	return greetWorkflow(ctx, name)
}

// timerWorkflow sleeps d, then runs the activity.
func timerWorkflow(ctx workflow.Context, d time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return greetWorkflow(ctx, "timer")
}

func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func startServer(t *testing.T, dir string) (*Server, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	t0 := time.Now()
	s, err := Start(ctx, Options{StateDir: dir, Logger: testLogger()})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return s, time.Since(t0)
}

func stopServer(t *testing.T, s *Server) time.Duration {
	t.Helper()
	t0 := time.Now()
	if err := s.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	return time.Since(t0)
}

func dial(t *testing.T, s *Server) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  s.Address(),
		Namespace: s.Namespace(),
		Logger:    sdklog.NewStructuredLogger(testLogger()),
	})
	if err != nil {
		t.Fatalf("client.Dial(%s): %v", s.Address(), err)
	}
	return c
}

func startWorker(t *testing.T, c client.Client) worker.Worker {
	t.Helper()
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(greetWorkflow)
	w.RegisterWorkflow(signalWorkflow)
	w.RegisterWorkflow(timerWorkflow)
	w.RegisterActivity(greetActivity)
	if err := w.Start(); err != nil {
		t.Fatalf("worker start: %v", err)
	}
	return w
}

func TestLifecycleAndRestart(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()

	// First start: fresh database.
	s, took := startServer(t, dir)
	t.Logf("first start (new database): %v, address %s, namespace %s", took.Round(time.Millisecond), s.Address(), s.Namespace())
	if !strings.HasPrefix(s.Address(), "127.0.0.1:") {
		t.Errorf("Address() = %q, want 127.0.0.1:PORT", s.Address())
	}
	if s.Namespace() != DefaultNamespace {
		t.Errorf("Namespace() = %q, want %q", s.Namespace(), DefaultNamespace)
	}
	port1 := s.Address()
	assertLoopbackListeners(t)
	if _, err := os.Stat(filepath.Join(dir, dbFileName+"-wal")); err != nil {
		t.Errorf("database not in WAL mode: %v", err)
	}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				t.Logf("running server: %s, %d goroutines", strings.Join(strings.Fields(line), " "), runtime.NumGoroutine())
			}
		}
	}

	c := dial(t, s)
	w := startWorker(t, c)

	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "greet-1", TaskQueue: taskQueue}, greetWorkflow, "world")
	if err != nil {
		t.Fatalf("ExecuteWorkflow: %v", err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil {
		t.Fatalf("greet result: %v", err)
	}
	if got != "hello world" {
		t.Fatalf("greet result = %q", got)
	}

	// Two workflows left unfinished across the restart.
	sigRun, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "signal-1", TaskQueue: taskQueue}, signalWorkflow)
	if err != nil {
		t.Fatalf("ExecuteWorkflow(signal): %v", err)
	}
	timerRun, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "timer-1", TaskQueue: taskQueue}, timerWorkflow, 4*time.Second)
	if err != nil {
		t.Fatalf("ExecuteWorkflow(timer): %v", err)
	}
	// Let the workers take the first workflow task of both (signal wait, timer).
	waitForEvent(t, ctx, c, "signal-1", enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
	waitForEvent(t, ctx, c, "timer-1", enumspb.EVENT_TYPE_TIMER_STARTED)

	w.Stop()
	c.Close()
	t.Logf("stop: %v", stopServer(t, s).Round(time.Millisecond))

	// Restart over the same state dir.
	s, took = startServer(t, dir)
	defer func() { _ = s.Stop() }()
	t.Logf("restart (existing database): %v", took.Round(time.Millisecond))
	if took > 15*time.Second {
		t.Errorf("restart took %v: static membership is not working", took)
	}
	if s.Address() != port1 {
		t.Errorf("restart address %s, want the recorded %s", s.Address(), port1)
	}
	assertLoopbackListeners(t)

	c = dial(t, s)
	defer c.Close()

	// The completed workflow and its history survived.
	desc, err := c.DescribeWorkflowExecution(ctx, "greet-1", "")
	if err != nil {
		t.Fatalf("DescribeWorkflowExecution after restart: %v", err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Errorf("greet-1 status after restart = %v", st)
	}
	var types []string
	it := c.GetWorkflowHistory(ctx, "greet-1", "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		types = append(types, ev.GetEventType().String())
	}
	if len(types) == 0 || types[len(types)-1] != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED.String() ||
		!contains(types, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED.String()) {
		t.Errorf("greet-1 history after restart: %v", types)
	}
	// Getting the result again reads it from the stored history.
	got = ""
	if err := c.GetWorkflow(ctx, "greet-1", "").Get(ctx, &got); err != nil || got != "hello world" {
		t.Errorf("greet-1 result after restart = %q, %v", got, err)
	}

	// The unfinished workflows carry on.
	w = startWorker(t, c)
	defer w.Stop()
	if err := c.SignalWorkflow(ctx, "signal-1", sigRun.GetRunID(), "go", "after restart"); err != nil {
		t.Fatalf("SignalWorkflow after restart: %v", err)
	}
	got = ""
	if err := c.GetWorkflow(ctx, "signal-1", sigRun.GetRunID()).Get(ctx, &got); err != nil || got != "hello after restart" {
		t.Errorf("signal-1 result = %q, %v", got, err)
	}
	got = ""
	if err := c.GetWorkflow(ctx, "timer-1", timerRun.GetRunID()).Get(ctx, &got); err != nil || got != "hello timer" {
		t.Errorf("timer-1 result = %q, %v", got, err)
	}

	// The namespace was created with the default retention.
	resp, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: s.Namespace()})
	if err != nil {
		t.Fatalf("DescribeNamespace: %v", err)
	}
	if r := resp.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); r != DefaultRetention {
		t.Errorf("retention = %v, want %v", r, DefaultRetention)
	}

	w.Stop()
	c.Close()
	t.Logf("second stop: %v", stopServer(t, s).Round(time.Millisecond))
}

func waitForEvent(t *testing.T, ctx context.Context, c client.Client, id string, want enumspb.EventType) {
	t.Helper()
	for {
		it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", id, err)
			}
			if ev.GetEventType() == want {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: no %v event: %v", id, want, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestConcurrentStartIsLocked(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	var (
		wg      sync.WaitGroup
		servers [2]*Server
		errs    [2]error
	)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers[i], errs[i] = Start(ctx, Options{StateDir: dir, Logger: testLogger()})
		}()
	}
	wg.Wait()
	var ok, locked int
	for i := range 2 {
		switch {
		case errs[i] == nil:
			ok++
			defer func() { _ = servers[i].Stop() }()
		case errors.Is(errs[i], ErrLocked):
			locked++
			if !strings.Contains(errs[i].Error(), dir) {
				t.Errorf("lock error does not name the state dir %s: %v", dir, errs[i])
			}
			t.Logf("second Start: %v", errs[i])
		default:
			t.Errorf("Start %d: unexpected error: %v", i, errs[i])
		}
	}
	if ok != 1 || locked != 1 {
		t.Fatalf("want one server and one lock error, got %d servers, %d lock errors (%v)", ok, locked, errs)
	}
}

func TestStateDirNotWritable(t *testing.T) {
	base := t.TempDir()
	// A state dir below a regular file cannot be created, even as root.
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, dir := range []string{filepath.Join(file, "state"), file} {
		_, err := Start(ctx, Options{StateDir: dir})
		if err == nil || !strings.Contains(err.Error(), dir) {
			t.Errorf("Start(%s): want an error naming the dir, got %v", dir, err)
		} else {
			t.Logf("Start(%s): %v", dir, err)
		}
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(base, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		_, err := Start(ctx, Options{StateDir: ro})
		if err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("Start(read-only dir): want a 'not writable' error, got %v", err)
		}
	}
}

// assertLoopbackListeners checks that every listening TCP socket of this
// process is bound to 127.0.0.1 or ::1.
func assertLoopbackListeners(t *testing.T) {
	t.Helper()
	inodes := map[string]bool{}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err != nil {
			continue
		}
		if strings.HasPrefix(target, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] = true
		}
	}
	var listeners []string
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[3] != "0A" || !inodes[fields[9]] { // 0A = TCP_LISTEN
				continue
			}
			local := fields[1]
			host, portHex, _ := strings.Cut(local, ":")
			port, _ := strconv.ParseUint(portHex, 16, 16)
			listeners = append(listeners, fmt.Sprintf("%s:%d", host, port))
			switch host {
			case "0100007F", // 127.0.0.1
				"00000000000000000000000001000000", // ::1
				"0000000000000000FFFF00000100007F": // ::ffff:127.0.0.1
			default:
				t.Errorf("%s: socket inode %s listens on non-loopback %s (port %d)", file, fields[9], host, port)
			}
		}
		_ = f.Close()
	}
	if len(listeners) == 0 {
		t.Errorf("found no listening socket of this process: is the check broken?")
	}
	t.Logf("listening sockets of this process: %v", listeners)
}

const childDirEnv = "LOCALSERVER_TEST_CHILD_STATE_DIR"

// TestKilledServerChild is the child process of TestResumeAfterKill: it
// starts a server over the given dir, leaves a workflow waiting on a signal
// and another on a timer, says so, and waits to be killed.
func TestKilledServerChild(t *testing.T) {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		t.Skip("child process of TestResumeAfterKill")
	}
	ctx := context.Background()
	s, _ := startServer(t, dir)
	c := dial(t, s)
	w := startWorker(t, c)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "greet-k", TaskQueue: taskQueue}, greetWorkflow, "killed")
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, start := range []func() (client.WorkflowRun, error){
		func() (client.WorkflowRun, error) {
			return c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "signal-k", TaskQueue: taskQueue}, signalWorkflow)
		},
		func() (client.WorkflowRun, error) {
			return c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "timer-k", TaskQueue: taskQueue}, timerWorkflow, 3*time.Second)
		},
	} {
		if _, err := start(); err != nil {
			t.Fatal(err)
		}
	}
	waitForEvent(t, ctx, c, "signal-k", enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
	waitForEvent(t, ctx, c, "timer-k", enumspb.EVENT_TYPE_TIMER_STARTED)
	_ = w
	fmt.Println("LOCALSERVER-CHILD-READY")
	select {} // until SIGKILL
}

// TestResumeAfterKill kills (SIGKILL) a process running a server and
// checks that the next Start over its state dir resumes its workflows.
func TestResumeAfterKill(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKilledServerChild$", "-test.v")
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		t.Logf("child: %s", sc.Text())
		if sc.Text() == "LOCALSERVER-CHILD-READY" {
			ready = true
			break
		}
	}
	if !ready {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatal("child exited before it was ready")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s, took := startServer(t, dir)
	defer func() { _ = s.Stop() }()
	t.Logf("start after SIGKILL: %v", took.Round(time.Millisecond))
	c := dial(t, s)
	defer c.Close()
	w := startWorker(t, c)
	defer w.Stop()

	if err := c.SignalWorkflow(ctx, "signal-k", "", "go", "again"); err != nil {
		t.Fatalf("SignalWorkflow: %v", err)
	}
	for id, want := range map[string]string{"greet-k": "hello killed", "signal-k": "hello again", "timer-k": "hello timer"} {
		var got string
		if err := c.GetWorkflow(ctx, id, "").Get(ctx, &got); err != nil || got != want {
			t.Errorf("%s after kill: %q, %v; want %q", id, got, err, want)
		}
	}
}

func TestBusyPort(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = Start(context.Background(), Options{StateDir: t.TempDir(), Port: port})
	if err == nil || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Fatalf("Start on busy port %d: want an error naming it, got %v", port, err)
	}
	t.Logf("Start on a busy port: %v", err)
}
