package s3

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/minio/minio-go/v7"
)

// endpointEnv lists the environment variables naming the endpoint, in the
// order they are consulted.
var endpointEnv = []string{"BITSWEEP_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}

const defaultEndpoint = "s3.amazonaws.com"

type config struct {
	host     string // host[:port]
	secure   bool
	region   string
	caFile   string
	explicit bool // caFile came from Options, not the environment
	lookup   minio.BucketLookupType
}

func getenvFunc(o storage.Options) func(string) string {
	if o.Getenv != nil {
		return o.Getenv
	}
	return os.Getenv
}

func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// resolveConfig applies the defaults documented at storage.Options.
func resolveConfig(o storage.Options) (config, error) {
	getenv := getenvFunc(o)
	c := config{lookup: minio.BucketLookupAuto}
	if o.PathStyle {
		c.lookup = minio.BucketLookupPath
	}
	ep := o.Endpoint
	if ep == "" {
		ep = firstEnv(getenv, endpointEnv...)
	}
	if ep == "" {
		ep = defaultEndpoint
	}
	if strings.Contains(ep, "://") {
		u, err := url.Parse(ep)
		if err != nil {
			return config{}, fmt.Errorf("endpoint: %w", err)
		}
		switch {
		case u.Scheme != "http" && u.Scheme != "https":
			return config{}, fmt.Errorf("endpoint %q: scheme must be http or https", ep)
		case u.User != nil:
			return config{}, errors.New("endpoint: credentials in the URL are not accepted; use the environment")
		case u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "":
			return config{}, fmt.Errorf("endpoint %q: want scheme://host[:port] only", ep)
		}
		c.host, c.secure = u.Host, u.Scheme == "https"
	} else {
		if strings.ContainsAny(ep, "/@?#") {
			return config{}, fmt.Errorf("endpoint %q: want host[:port] or scheme://host[:port]", ep)
		}
		c.host, c.secure = ep, !o.PlainHTTP
	}
	c.region = o.Region
	if c.region == "" {
		c.region = firstEnv(getenv, "AWS_REGION", "AWS_DEFAULT_REGION")
	}
	c.caFile, c.explicit = o.CAFile, o.CAFile != ""
	if c.caFile == "" {
		c.caFile = firstEnv(getenv, "AWS_CA_BUNDLE")
	}
	return c, nil
}

// maxIdleConnsPerHost is how many idle connections to the endpoint the
// transport keeps. minio-go's default keeps 16, fewer than the parallel
// requests of report.Collect (32 by default): every request beyond 16 at a
// time would then open a new connection and close it afterwards, costing
// both sides a TCP handshake and leaving a TIME_WAIT socket behind (some
// 100,000 requests of one report can run out of local ports).
const maxIdleConnsPerHost = 256

// transport returns the HTTP transport for c: minio-go's default, keeping
// up to maxIdleConnsPerHost idle connections, trusting the extra CAs of
// c.caFile over HTTPS.
func (c config) transport() (http.RoundTripper, error) {
	tr, err := minio.DefaultTransport(c.secure)
	if err != nil {
		return nil, err
	}
	tr.MaxIdleConns = max(tr.MaxIdleConns, maxIdleConnsPerHost)
	tr.MaxIdleConnsPerHost = max(tr.MaxIdleConnsPerHost, maxIdleConnsPerHost)
	if c.caFile == "" {
		return tr, nil
	}
	if !c.secure {
		if c.explicit {
			return nil, fmt.Errorf("CA file %s given for a plain-HTTP endpoint", c.caFile)
		}
		return tr, nil // AWS_CA_BUNDLE set for some other endpoint
	}
	pem, err := os.ReadFile(c.caFile)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s: no PEM certificates in it", c.caFile)
	}
	tr.TLSClientConfig.RootCAs = pool
	return tr, nil
}
