package webui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/temporalio/ui-server/v2/server"
	"github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/server_options"
)

// DefaultPort is the port of `temporal server start-dev`'s UI.
const DefaultPort = 8233

// portsTried is how many ports from the asked one Start tries when it is
// taken (another local sweep's UI, say).
const portsTried = 10

// Server is a running Web UI.
type Server struct {
	srv  *server.Server
	url  string
	done chan struct{}
}

// Start serves the Web UI on 127.0.0.1 for the Temporal frontend at
// frontend (host:port), opening on namespace. port 0 picks a free port;
// when port is taken, the next portsTried − 1 ports are tried. It returns
// once the UI answers its health check, or an error.
func Start(ctx context.Context, frontend, namespace string, port int) (*Server, error) {
	p, err := freePort(port)
	if err != nil {
		return nil, err
	}
	cfg := &config.Config{
		TemporalGRPCAddress: frontend,
		Host:                "127.0.0.1",
		Port:                p,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		HideLogs:            true,
		DisableNewsFetch:    true,
		// The UI is served over plain HTTP on the loopback interface.
		CORS: config.CORS{CookieInsecure: true},
	}
	s := &Server{srv: server.NewServer(server_options.WithConfigProvider(cfg)), url: fmt.Sprintf("http://127.0.0.1:%d", p), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.srv.Start()
	}()
	// Ready when the health route answers.
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("web UI on %s stopped at start", s.url)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("web UI on %s: no answer after 10 s (last error: %v)", s.url, err)
		}
	}
}

// URL is where the UI is served, e.g. http://127.0.0.1:8233.
func (s *Server) URL() string { return s.url }

// WorkflowsURL is the UI's list of workflows of a namespace.
func (s *Server) WorkflowsURL(namespace string) string {
	return s.url + "/namespaces/" + namespace + "/workflows"
}

// Stop stops the UI.
func (s *Server) Stop() {
	s.srv.Stop()
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
	}
}

// freePort returns port if it can be bound on 127.0.0.1, else the first of
// the next ports that can; 0 asks the kernel for a free one.
func freePort(port int) (int, error) {
	if port < 0 || port > 65535 {
		return 0, fmt.Errorf("ui port %d: must be in [0, 65535]", port)
	}
	n := portsTried
	if port == 0 {
		n = 1
	}
	var last error
	for i := 0; i < n && port+i <= 65535; i++ {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port+i)))
		if err != nil {
			last = err
			continue
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		return p, nil
	}
	return 0, fmt.Errorf("ui port %d: it and the next %d are taken (give --ui-port, or --ui=false): %w", port, n-1, errors.Unwrap(last))
}
