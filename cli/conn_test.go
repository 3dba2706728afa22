package cli

import (
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// namesHandler is a client.MetricsHandler that records the names of the
// metrics the SDK asks for.
type namesHandler struct {
	mu    *sync.Mutex
	names map[string]bool
}

func (h namesHandler) note(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.names[name] = true
}

func (h namesHandler) WithTags(map[string]string) client.MetricsHandler { return h }
func (h namesHandler) Counter(n string) client.MetricsCounter {
	h.note(n)
	return client.MetricsNopHandler.Counter(n)
}
func (h namesHandler) Gauge(n string) client.MetricsGauge {
	h.note(n)
	return client.MetricsNopHandler.Gauge(n)
}
func (h namesHandler) Timer(n string) client.MetricsTimer {
	h.note(n)
	return client.MetricsNopHandler.Timer(n)
}

// TestDialWithMetrics: a client dialled with WithMetrics reports its
// requests (here client.Dial's GetSystemInfo) to the handler.
func TestDialWithMetrics(t *testing.T) {
	p := newPKI(t)
	addr, _ := p.serve(t, false)
	conn := Conn{Address: addr, Namespace: "default", TLS: TLS{CAPath: p.caPEM, ServerName: "temporal.test"}}
	h := namesHandler{mu: &sync.Mutex{}, names: map[string]bool{}}
	c, err := conn.Dial(quiet(), WithMetrics(h))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.mu.Lock()
		ok := h.names["temporal_request"]
		h.mu.Unlock()
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the handler saw %v, want temporal_request", h.names)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLoopback(t *testing.T) {
	for _, c := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:7233", true},
		{"127.3.4.5:7233", true},
		{"[::1]:7233", true},
		{"localhost:7233", true},
		{"10.0.0.1:7233", false},
		{"temporal.example.com:7233", false},
		{"temporal-frontend:7233", false},
		{"no-port", false},
	} {
		if got := loopback(c.addr); got != c.want {
			t.Errorf("loopback(%q) = %v, want %v", c.addr, got, c.want)
		}
	}
}
