package localserver

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// freePort returns a port that was free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp4", net.JoinHostPort(loopback, "0"))
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// portFree reports whether 127.0.0.1:port can be bound now.
func portFree(port int) error {
	l, err := net.Listen("tcp4", net.JoinHostPort(loopback, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	return l.Close()
}

// choosePort returns the frontend port: the requested one (which must be
// free), else the one recorded in the state dir if it is free, else a free one.
func choosePort(dir string, requested int) (int, error) {
	if requested != 0 {
		if err := portFree(requested); err != nil {
			return 0, fmt.Errorf("localserver: frontend port %d on %s is not available: %w", requested, loopback, err)
		}
		return requested, nil
	}
	if p, err := readPortFile(dir); err == nil && p > 0 && portFree(p) == nil {
		return p, nil
	}
	p, err := freePort()
	if err != nil {
		return 0, fmt.Errorf("localserver: picking a frontend port: %w", err)
	}
	return p, nil
}

func readPortFile(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, portFileName))
	if err != nil {
		return 0, err
	}
	p, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || p <= 0 || p > 65535 {
		return 0, errors.New("bad port file")
	}
	return p, nil
}

func writePortFile(dir string, port int) error {
	path := filepath.Join(dir, portFileName)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
		return fmt.Errorf("localserver: recording port: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("localserver: recording port: %w", err)
	}
	return nil
}
