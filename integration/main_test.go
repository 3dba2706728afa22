package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var bin string // folder of the built binaries

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "bitsweep-bin")
	if err != nil {
		panic(err)
	}
	bin = dir
	// No Web UI in the child processes (many local servers start at once
	// here); TestWebUI asks for one on a port of its own.
	os.Setenv("BITSWEEP_UI", "false")
	for _, b := range []string{"starter", "worker"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, b), "../"+b)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n", b, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a child process whose output is kept for failure messages.
type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// start runs a binary with extra environment; the process is killed when
// the test ends.
func start(t *testing.T, env []string, name string, args ...string) *proc {
	t.Helper()
	p := &proc{done: make(chan error, 1)}
	p.cmd = exec.Command(filepath.Join(bin, name), args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		p.done <- nil
		if t.Failed() {
			t.Logf("output of %s %v:\n%s", name, args, tail(p.output(), 4000))
		}
	})
	return p
}

// wait waits for the process to exit and returns its error.
func (p *proc) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(timeout):
		t.Fatalf("process %v still running after %v; output:\n%s", p.cmd.Args, timeout, tail(p.output(), 4000))
		return nil
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// server starts the embedded Temporal server as its own process and returns
// its address.
func server(t *testing.T) string {
	t.Helper()
	return serverAt(t, t.TempDir())
}

// serverAt starts the embedded Temporal server on the state folder state
// as its own process and returns its address.
func serverAt(t *testing.T, state string) string {
	t.Helper()
	addr, _ := serverProc(t, state)
	return addr
}

// serverProc is serverAt that also returns the server's process, for
// tests that stop it.
func serverProc(t *testing.T, state string) (string, *proc) {
	t.Helper()
	p := start(t, nil, "starter", "server", "--state", state, "--port", "0")
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(p.output()))
		for sc.Scan() {
			var m map[string]string
			if json.Unmarshal(sc.Bytes(), &m) == nil && m["address"] != "" {
				return m["address"], p
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("server did not report its address:\n%s", p.output())
	return "", nil
}

// resultFiles returns the result.json files of a local store, by point ID.
func resultFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(filepath.Join(dir, "points"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "result.json" {
			b, _ := os.ReadFile(path)
			out[filepath.Base(filepath.Dir(path))] = b
		}
		return nil
	})
	return out
}

// waitFor polls cond until it holds or the timeout passes; it fails at
// once if one of the processes it depends on has exited.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool, alive ...*proc) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		for _, p := range alive {
			select {
			case err := <-p.done:
				p.done <- err
				t.Fatalf("waiting for %s: %v exited (%v):\n%s", what, p.cmd.Args, err, tail(p.output(), 3000))
			default:
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// summary parses the last JSON line of a run's output.
func summary(t *testing.T, out string) map[string]int {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var m map[string]int
		if strings.HasPrefix(lines[i], "{\"points\"") && json.Unmarshal([]byte(lines[i]), &m) == nil {
			return m
		}
	}
	t.Fatalf("no summary line in output:\n%s", tail(out, 3000))
	return nil
}

func writeSpec(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var _ = context.Background
var _ = io.Discard
