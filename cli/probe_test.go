package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestProbe: 2xx succeeds; a 503 fails naming the status and the body; no
// server, a bad URL and a bad timeout fail too. The server binds 127.0.0.1.
func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"failed":"store"}`))
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	for _, tc := range []struct {
		args []string
		code int
		want string // in stdout (code 0) or stderr
	}{
		{[]string{"probe", srv.URL + "/healthz"}, 0, "200 OK"},
		{[]string{"probe", srv.URL + "/readyz"}, 1, `503 Service Unavailable: {"failed":"store"}`},
		{[]string{"probe", closedURL + "/healthz"}, 1, "probe " + closedURL},
		{[]string{"probe", "127.0.0.1:9090/healthz"}, 2, "want http://"},
		{[]string{"probe", "--timeout", "0s", srv.URL}, 2, "--timeout 0s"},
	} {
		var out, errb bytes.Buffer
		code := Main(tc.args, &out, &errb)
		got := out.String()
		if code != 0 {
			got = errb.String()
		}
		if code != tc.code || !strings.Contains(got, tc.want) {
			t.Errorf("%v: exit %d, output %q; want exit %d and %q", tc.args, code, got, tc.code, tc.want)
		}
	}
}
