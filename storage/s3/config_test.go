package s3

import (
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bitsweep/bitsweep/storage"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestResolveConfig(t *testing.T) {
	tests := []struct {
		name   string
		o      storage.Options
		env    map[string]string
		host   string
		secure bool
		region string
	}{
		{name: "default", host: "s3.amazonaws.com", secure: true},
		{name: "bare host", o: storage.Options{Endpoint: "minio:9000"}, host: "minio:9000", secure: true},
		{name: "plain", o: storage.Options{Endpoint: "127.0.0.1:9000", PlainHTTP: true}, host: "127.0.0.1:9000"},
		{name: "http scheme", o: storage.Options{Endpoint: "http://minio:9000"}, host: "minio:9000"},
		{name: "https scheme wins over PlainHTTP", o: storage.Options{Endpoint: "https://minio:9000/", PlainHTTP: true}, host: "minio:9000", secure: true},
		{name: "bitsweep env first",
			env:  map[string]string{"BITSWEEP_S3_ENDPOINT": "http://a:1", "AWS_ENDPOINT_URL_S3": "http://b:2", "AWS_ENDPOINT_URL": "http://c:3"},
			host: "a:1"},
		{name: "aws s3 env", env: map[string]string{"AWS_ENDPOINT_URL_S3": "https://b:2", "AWS_ENDPOINT_URL": "http://c:3"}, host: "b:2", secure: true},
		{name: "aws env", env: map[string]string{"AWS_ENDPOINT_URL": "http://c:3"}, host: "c:3"},
		{name: "option beats env", o: storage.Options{Endpoint: "http://o:1"}, env: map[string]string{"BITSWEEP_S3_ENDPOINT": "http://a:1"}, host: "o:1"},
		{name: "region env", env: map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "x"}, host: "s3.amazonaws.com", secure: true, region: "eu-west-1"},
		{name: "region default env", env: map[string]string{"AWS_DEFAULT_REGION": "x"}, host: "s3.amazonaws.com", secure: true, region: "x"},
		{name: "region option", o: storage.Options{Region: "r"}, env: map[string]string{"AWS_REGION": "eu-west-1"}, host: "s3.amazonaws.com", secure: true, region: "r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Getenv = env(tt.env)
			c, err := resolveConfig(tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if c.host != tt.host || c.secure != tt.secure || c.region != tt.region {
				t.Errorf("got host %q secure %v region %q, want %q %v %q", c.host, c.secure, c.region, tt.host, tt.secure, tt.region)
			}
		})
	}
	for _, bad := range []string{"ftp://x", "http://user:pw@x:1", "http://x:1/path", "x/y", "user@x", "http://"} {
		if _, err := resolveConfig(storage.Options{Endpoint: bad, Getenv: env(nil)}); err == nil {
			t.Errorf("endpoint %q accepted", bad)
		} else if strings.Contains(err.Error(), "pw") && !strings.Contains(bad, "/path") {
			t.Errorf("error for %q shows the password: %v", bad, err)
		}
	}
}

func TestResolveCredentials(t *testing.T) {
	dir := t.TempDir()
	credFile := filepath.Join(dir, "credentials")
	err := os.WriteFile(credFile, []byte(`
# comment
[default]
aws_access_key_id = FILEID
aws_secret_access_key = filesecret

[profile other]
aws_access_key_id=OTHERID
aws_secret_access_key=othersecret
aws_session_token=othertoken
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	awsEnv := map[string]string{"AWS_ACCESS_KEY_ID": "AWSID", "AWS_SECRET_ACCESS_KEY": "awssecret", "AWS_SESSION_TOKEN": "tok"}
	minioEnv := map[string]string{"MINIO_ROOT_USER": "minioid", "MINIO_ROOT_PASSWORD": "miniosecret"}
	merge := func(ms ...map[string]string) map[string]string {
		out := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": credFile}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	tests := []struct {
		name    string
		sources []storage.CredentialSource
		env     map[string]string
		file    string
		id      string
		token   string
		src     storage.CredentialSource
	}{
		{name: "aws env first", env: merge(awsEnv, minioEnv), id: "AWSID", token: "tok", src: storage.CredentialsAWSEnv},
		{name: "minio env", env: merge(minioEnv), id: "minioid", src: storage.CredentialsMinioEnv},
		{name: "file default profile", env: merge(), id: "FILEID", src: storage.CredentialsAWSFile},
		{name: "file named profile", env: merge(map[string]string{"AWS_PROFILE": "other"}), id: "OTHERID", token: "othertoken", src: storage.CredentialsAWSFile},
		{name: "file option", env: map[string]string{}, file: credFile, id: "FILEID", src: storage.CredentialsAWSFile},
		{name: "explicit order", sources: []storage.CredentialSource{storage.CredentialsMinioEnv, storage.CredentialsAWSEnv}, env: merge(awsEnv, minioEnv), id: "minioid", src: storage.CredentialsMinioEnv},
		{name: "anonymous last", sources: []storage.CredentialSource{storage.CredentialsMinioEnv, storage.CredentialsAnonymous}, env: map[string]string{}, id: "", src: storage.CredentialsAnonymous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			creds, src, err := resolveCredentials(storage.Options{Credentials: tt.sources, CredentialsFile: tt.file, Getenv: env(tt.env)})
			if err != nil {
				t.Fatal(err)
			}
			v, err := creds.Get()
			if err != nil {
				t.Fatal(err)
			}
			if v.AccessKeyID != tt.id || v.SessionToken != tt.token || src != tt.src {
				t.Errorf("got id %q token %q from %s, want %q %q from %s", v.AccessKeyID, v.SessionToken, src, tt.id, tt.token, tt.src)
			}
		})
	}

	t.Run("none", func(t *testing.T) {
		_, _, err := resolveCredentials(storage.Options{Getenv: env(map[string]string{"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "missing")})})
		if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") || !strings.Contains(err.Error(), "MINIO_ROOT_USER") {
			t.Fatalf("error = %v, want one naming where it looked", err)
		}
	})
	t.Run("partial env", func(t *testing.T) {
		for _, e := range []map[string]string{
			{"AWS_SECRET_ACCESS_KEY": "s3cr3t-value"},
			{"MINIO_ROOT_PASSWORD": "s3cr3t-value"},
		} {
			_, _, err := resolveCredentials(storage.Options{Getenv: env(e)})
			if err == nil || strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("env %v: error = %v, want one that names the missing variable only", slices.Collect(mapKeys(e)), err)
			}
		}
	})
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// fakeS3 answers HEAD /bucket like an S3 server whose bucket exists, and
// records the Authorization headers it saw.
func fakeS3(t *testing.T, tls bool) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var auths []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.Method == http.MethodHead && strings.TrimSuffix(r.URL.Path, "/") == "/bucket" {
			return
		}
		w.WriteHeader(http.StatusNotFound) // HEAD of another bucket: NoSuchBucket
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // expected TLS handshake failures
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(auths) }
}

func TestCAFile(t *testing.T) {
	srv, _ := fakeS3(t, true)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	o := storage.Options{
		Endpoint:    srv.URL, // https://127.0.0.1:port
		Region:      "us-east-1",
		Credentials: []storage.CredentialSource{storage.CredentialsAnonymous},
		Getenv:      env(nil),
	}
	if _, err := New(t.Context(), "bucket", "p", o); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("New without the CA: error = %v, want a certificate error", err)
	}
	o.CAFile = caFile
	if _, err := New(t.Context(), "bucket", "p", o); err != nil {
		t.Fatalf("New with the CA file: %v", err)
	}
	// The same through AWS_CA_BUNDLE.
	o.CAFile = ""
	o.Getenv = env(map[string]string{"AWS_CA_BUNDLE": caFile})
	if _, err := New(t.Context(), "bucket", "p", o); err != nil {
		t.Fatalf("New with AWS_CA_BUNDLE: %v", err)
	}
	// A file without certificates is an error, not silently ignored.
	o.CAFile = filepath.Join(t.TempDir(), "empty.pem")
	os.WriteFile(o.CAFile, []byte("not a certificate"), 0o600)
	if _, err := New(t.Context(), "bucket", "p", o); err == nil || !strings.Contains(err.Error(), "no PEM") {
		t.Fatalf("New with a bad CA file: error = %v", err)
	}
}

func TestSecretsStayHidden(t *testing.T) {
	srv, auths := fakeS3(t, false)
	const secret = "very-secret-password-123"
	o := storage.Options{
		Endpoint: srv.URL,
		Region:   "us-east-1",
		Getenv:   env(map[string]string{"MINIO_ROOT_USER": "user", "MINIO_ROOT_PASSWORD": secret}),
	}
	s, err := New(t.Context(), "bucket", "some/prefix", o)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "s3://bucket/some/prefix" {
		t.Errorf("String() = %q", got)
	}
	if a := auths(); len(a) == 0 || !strings.Contains(a[0], "Credential=user/") {
		t.Errorf("requests were not signed with the MinIO credentials: %q", a)
	}
	for _, a := range auths() {
		if strings.Contains(a, secret) {
			t.Error("the secret itself went over the wire")
		}
	}
	// An error path: the bucket check fails.
	_, err = New(t.Context(), "otherbucket", "", o)
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "s3://otherbucket") {
		t.Errorf("New error = %v", err)
	}
	if _, err := New(t.Context(), "bucket", "../up", o); err == nil || !strings.Contains(err.Error(), "prefix") {
		t.Errorf("New with invalid prefix: error = %v", err)
	}
}
