package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestMetricsAddrLocalOnly: --metrics-addr is for local mode's in-process
// worker and binds loopback only; anything else is a usage error naming the
// flag and the value, before any server starts.
func TestMetricsAddrLocalOnly(t *testing.T) {
	spec := t.TempDir() + "/s.yaml"
	if err := os.WriteFile(spec, []byte("name: s\nfixed: {source: gaussian, d: 8}\ngrid: {rate: [0.5, 1]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", spec, "--metrics-addr", "0.0.0.0:9090"}, "--metrics-addr 0.0.0.0:9090: local mode listens on a loopback address only"},
		{[]string{"run", spec, "--metrics-addr", ":9090"}, "--metrics-addr :9090: local mode listens on a loopback address only"},
		{[]string{"run", spec, "--metrics-addr", "127.0.0.1"}, "--metrics-addr 127.0.0.1: want host:port"},
		{[]string{"run", spec, "--metrics-addr", "127.0.0.1:99999"}, `port "99999"`},
		{[]string{"run", spec, "--address", "127.0.0.1:1", "--metrics-addr", "127.0.0.1:0"}, "only local mode's run and resume"},
		{[]string{"start", spec, "--address", "127.0.0.1:1", "--metrics-addr", "127.0.0.1:0"}, "only local mode's run and resume"},
	} {
		var out, errb bytes.Buffer
		if code := Main(tc.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errb.String(), tc.want)
		}
	}
}
