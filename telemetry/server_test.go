package telemetry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServer: Listen on 127.0.0.1 with port 0 serves the three paths on
// the port it got, refuses other methods, and Close stops it.
func TestServer(t *testing.T) {
	tel := New()
	down := Check{Name: "temporal", Run: func(context.Context) error { return errors.New("down") }}
	srv, err := Listen("127.0.0.1:0", Handler(tel.Registry, NewReadiness(down)))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.Addr()
	if !strings.HasPrefix(srv.Addr(), "127.0.0.1:") || strings.HasSuffix(srv.Addr(), ":0") {
		t.Errorf("Addr %s", srv.Addr())
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, `"error": "down"`) {
		t.Errorf("/readyz: %d %s", code, body)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "bitsweep_points_trained_total 0") ||
		!strings.Contains(body, "promhttp_metric_handler_requests_total") {
		t.Errorf("/metrics: %d %s", code, body)
	}
	if code, _ := get("/other"); code != 404 {
		t.Errorf("/other: %d, want 404", code)
	}
	resp, err := http.Post(base+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d, want 405", resp.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still serving after Close")
	}
	if _, err := Listen("127.0.0.1:bad", nil); err == nil || !strings.Contains(err.Error(), "metrics endpoint") {
		t.Errorf("bad address: %v", err)
	}
}
