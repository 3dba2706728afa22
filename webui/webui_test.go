package webui

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// TestFreePort: a taken port moves to the next free one, 0 asks the kernel,
// and a bad port is refused with the value in the message.
func TestFreePort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port
	p, err := freePort(taken)
	if err != nil || p == taken || p < taken || p >= taken+portsTried {
		t.Errorf("freePort(%d) = %d, %v: want one of the next %d ports", taken, p, err, portsTried-1)
	}
	if p, err := freePort(0); err != nil || p == 0 {
		t.Errorf("freePort(0) = %d, %v", p, err)
	}
	if _, err := freePort(70000); err == nil || !strings.Contains(err.Error(), strconv.Itoa(70000)) {
		t.Errorf("freePort(70000): %v", err)
	}
}
