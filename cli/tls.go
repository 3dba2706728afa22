package cli

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.temporal.io/sdk/client"
)

// TLS is how the Temporal client secures its connection: server
// verification with a custom CA, a client certificate (mTLS), and an API
// key. The flags take file paths only; the API key comes from the
// environment (TEMPORAL_API_KEY) or a file (--api-key-file), never from a
// flag's value, so it appears in no command line, help text or log. The
// variable names are those of Temporal's own CLI.
type TLS struct {
	Enable     bool   // TEMPORAL_TLS; implied by any of the other settings
	CAPath     string // TEMPORAL_TLS_CA_PATH: PEM roots to verify the server (default: the system's)
	CertPath   string // TEMPORAL_TLS_CERT_PATH: client certificate (PEM) for mTLS
	KeyPath    string // TEMPORAL_TLS_KEY_PATH: its private key (PEM)
	ServerName string // TEMPORAL_TLS_SERVER_NAME: name to verify instead of the address's host
	APIKeyFile string // TEMPORAL_API_KEY_FILE: file holding the API key
}

// Flags registers the TLS flags on fs with the environment as defaults.
func (t *TLS) Flags(fs *flag.FlagSet) {
	enable, _ := strconv.ParseBool(os.Getenv("TEMPORAL_TLS"))
	fs.BoolVar(&t.Enable, "tls", enable, "connect to Temporal over TLS (TEMPORAL_TLS; implied by the other --tls-* flags and by an API key)")
	fs.StringVar(&t.CAPath, "tls-ca-path", os.Getenv("TEMPORAL_TLS_CA_PATH"), "PEM file of the CA that signed the Temporal server's certificate (TEMPORAL_TLS_CA_PATH)")
	fs.StringVar(&t.CertPath, "tls-cert-path", os.Getenv("TEMPORAL_TLS_CERT_PATH"), "client certificate for mTLS, PEM (TEMPORAL_TLS_CERT_PATH)")
	fs.StringVar(&t.KeyPath, "tls-key-path", os.Getenv("TEMPORAL_TLS_KEY_PATH"), "private key of the client certificate, PEM (TEMPORAL_TLS_KEY_PATH)")
	fs.StringVar(&t.ServerName, "tls-server-name", os.Getenv("TEMPORAL_TLS_SERVER_NAME"), "server name to verify (TEMPORAL_TLS_SERVER_NAME)")
	fs.StringVar(&t.APIKeyFile, "api-key-file", os.Getenv("TEMPORAL_API_KEY_FILE"), "file holding the Temporal API key (TEMPORAL_API_KEY_FILE; or set TEMPORAL_API_KEY)")
}

// apply sets the connection and credential options of o. Errors name the
// setting and the file, never a key's content.
func (t TLS) apply(o *client.Options) error {
	key := strings.TrimSpace(os.Getenv("TEMPORAL_API_KEY"))
	if t.APIKeyFile != "" {
		b, err := os.ReadFile(t.APIKeyFile)
		if err != nil {
			return fmt.Errorf("--api-key-file %s: %w", t.APIKeyFile, err)
		}
		key = strings.TrimSpace(string(b))
		if key == "" {
			return fmt.Errorf("--api-key-file %s: the file is empty", t.APIKeyFile)
		}
	}
	if key != "" {
		o.Credentials = client.NewAPIKeyStaticCredentials(key)
	}
	if (t.CertPath == "") != (t.KeyPath == "") {
		return fmt.Errorf("--tls-cert-path %q and --tls-key-path %q: give both or neither", t.CertPath, t.KeyPath)
	}
	if !t.Enable && t.CAPath == "" && t.CertPath == "" && t.ServerName == "" && key == "" {
		return nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAPath != "" {
		pem, err := os.ReadFile(t.CAPath)
		if err != nil {
			return fmt.Errorf("--tls-ca-path %s: %w", t.CAPath, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("--tls-ca-path %s: no PEM certificate in the file", t.CAPath)
		}
		cfg.RootCAs = pool
	}
	if t.CertPath != "" {
		cert, err := tls.LoadX509KeyPair(t.CertPath, t.KeyPath)
		if err != nil {
			return fmt.Errorf("--tls-cert-path %s / --tls-key-path %s: %w", t.CertPath, t.KeyPath, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	o.ConnectionOptions.TLS = cfg
	return nil
}
