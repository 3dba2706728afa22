package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestHostileNames: sweep names from the command line are checked before
// anything is dialled or read, and the error names the value (quoted, so
// control characters show).
func TestHostileNames(t *testing.T) {
	for _, tc := range []struct {
		args []string
		name string
	}{
		{[]string{"status", "--address", "127.0.0.1:1", "../x"}, "../x"},
		{[]string{"status", "--address", "127.0.0.1:1", "x/chunk-000003"}, "x/chunk-000003"},
		{[]string{"cancel", "--address", "127.0.0.1:1", "bitsweep-sweep/x"}, "bitsweep-sweep/x"},
		{[]string{"status", "--address", "127.0.0.1:1", ""}, ""},
		{[]string{"cancel", "--address", "127.0.0.1:1", "A"}, "A"},
		{[]string{"resume", "--address", "127.0.0.1:1", "a b"}, "a b"},
		{[]string{"report", "--sweep", "a/b", "--store", "/nonexistent"}, "a/b"},
		{[]string{"report", "--sweep", "x\x1b[31m", "--store", "/nonexistent"}, "x\x1b[31m"},
	} {
		var out, errb bytes.Buffer
		// An unreachable address (and a missing store): the name check
		// must come before any dialling or reading.
		args := tc.args
		code := Main(args, &out, &errb)
		msg := errb.String()
		if code != 2 || !strings.Contains(msg, fmt.Sprintf("%q", tc.name)) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 naming %q", args, code, msg, tc.name)
		}
		if strings.Contains(msg, "\x1b") {
			t.Errorf("%q: raw escape in the message %q", args, msg)
		}
	}
}

// TestBadEnvironment: a set but invalid environment variable is an error
// naming the variable and the value, not a silent default.
func TestBadEnvironment(t *testing.T) {
	for _, tc := range []struct{ k, v string }{
		{"BITSWEEP_HEARTBEAT_TIMEOUT", "soon"},
		{"BITSWEEP_CHECKPOINT_INTERVAL", "-5s"},
		{"BITSWEEP_CHECKPOINT_INTERVAL", "20"},
	} {
		t.Run(tc.k+"="+tc.v, func(t *testing.T) {
			t.Setenv(tc.k, tc.v)
			var out, errb bytes.Buffer
			code := Main([]string{"status", "--address", "127.0.0.1:1", "x"}, &out, &errb)
			if code != 2 || !strings.Contains(errb.String(), tc.k+"="+fmt.Sprintf("%q", tc.v)) {
				t.Errorf("exit %d, stderr %q; want exit 2 naming %s=%q", code, errb.String(), tc.k, tc.v)
			}
		})
	}
	// Valid values pass (and a later command does not see old errors).
	t.Setenv("BITSWEEP_HEARTBEAT_TIMEOUT", "1m")
	var out, errb bytes.Buffer
	if code := Main([]string{"status", "--address", "127.0.0.1:1", "x"}, &out, &errb); strings.Contains(errb.String(), "BITSWEEP_") {
		t.Errorf("exit %d with valid values: %q", code, errb.String())
	}
}
