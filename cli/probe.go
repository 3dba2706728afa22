package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// runProbe GETs a URL and succeeds on a 2xx answer: the HTTP check of a
// container healthcheck (deploy/compose.yaml's workers probe their own
// /readyz) in an image that has no HTTP client. Any other answer, or none
// within --timeout, is an error naming the status and the start of the body
// (the readiness endpoint says there which check failed).
func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("probe", stderr)
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := parseWithArg(fs, args, stderr, "URL"); err != nil {
		return err
	}
	url := fs.Arg(0)
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return usageError{fmt.Errorf("URL %q: want http:// or https://", url)}
	}
	if *timeout <= 0 {
		return usageError{fmt.Errorf("--timeout %v: must be > 0", *timeout)}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return usageError{fmt.Errorf("URL %q: %w", url, err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("probe %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "%s: %s\n", url, resp.Status)
	return nil
}
