package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// pki is a throw-away certificate authority with a server and a client
// certificate, written as PEM files into a temporary folder.
type pki struct {
	dir                           string
	caPEM                         string // path
	serverCert                    tls.Certificate
	clientCertPath, clientKeyPath string
	pool                          *x509.CertPool
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bitsweep test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	p := &pki{dir: dir, pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.caPEM = writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER)
	issue := func(name string, usage x509.ExtKeyUsage, serial int64) (certPath, keyPath string, cert tls.Certificate) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, DNSNames: []string{name},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kder, _ := x509.MarshalECPrivateKey(key)
		certPath = writePEM(t, dir, name+".pem", "CERTIFICATE", der)
		keyPath = writePEM(t, dir, name+"-key.pem", "EC PRIVATE KEY", kder)
		cert, err = tls.LoadX509KeyPair(certPath, keyPath)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	_, _, p.serverCert = issue("temporal.test", x509.ExtKeyUsageServerAuth, 2)
	p.clientCertPath, p.clientKeyPath, _ = issue("worker.test", x509.ExtKeyUsageClientAuth, 3)
	return p
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// frontend is a gRPC Temporal frontend on 127.0.0.1 that answers only
// GetSystemInfo (what client.Dial calls) and records who called.
type frontend struct {
	workflowservice.UnimplementedWorkflowServiceServer
	mu      sync.Mutex
	clients []string // client certificate common names
	auth    []string // authorization headers
}

func (f *frontend) GetSystemInfo(ctx context.Context, _ *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := peer.FromContext(ctx); ok {
		if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.PeerCertificates) > 0 {
			f.clients = append(f.clients, ti.State.PeerCertificates[0].Subject.CommonName)
		}
	}
	md, _ := metadata.FromIncomingContext(ctx)
	f.auth = append(f.auth, md.Get("authorization")...)
	return &workflowservice.GetSystemInfoResponse{}, nil
}

// serve starts the frontend with TLS; mtls requires a client certificate
// signed by the test CA.
func (p *pki) serve(t *testing.T, mtls bool) (string, *frontend) {
	t.Helper()
	cfg := &tls.Config{Certificates: []tls.Certificate{p.serverCert}, MinVersion: tls.VersionTLS12}
	if mtls {
		cfg.ClientAuth, cfg.ClientCAs = tls.RequireAndVerifyClientCert, p.pool
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer(grpc.Creds(credentials.NewTLS(cfg)))
	f := &frontend{}
	workflowservice.RegisterWorkflowServiceServer(s, f)
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	return lis.Addr().String(), f
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestDialTLS dials a real TLS gRPC frontend: with the CA and a client
// certificate (mTLS) and an API key from a file; without the client
// certificate (refused by the server); with the wrong CA (refused by the
// client); and checks that errors name the file, not its content.
func TestDialTLS(t *testing.T) {
	p := newPKI(t)
	addr, fe := p.serve(t, true)
	keyFile := filepath.Join(p.dir, "api-key")
	const apiKey = "planted-api-key-7f3a"
	os.WriteFile(keyFile, []byte(apiKey+"\n"), 0o600)

	conn := Conn{Address: addr, Namespace: "default", TLS: TLS{
		CAPath: p.caPEM, CertPath: p.clientCertPath, KeyPath: p.clientKeyPath,
		ServerName: "temporal.test", APIKeyFile: keyFile,
	}}
	c, err := conn.Dial(quiet())
	if err != nil {
		t.Fatalf("mTLS dial: %v", err)
	}
	c.Close()
	fe.mu.Lock()
	if len(fe.clients) == 0 || fe.clients[0] != "worker.test" {
		t.Errorf("server saw client certificates %v, want worker.test", fe.clients)
	}
	if len(fe.auth) == 0 || fe.auth[0] != "Bearer "+apiKey {
		t.Errorf("server saw authorization %q, want the API key as a bearer token", fe.auth)
	}
	fe.mu.Unlock()

	// No client certificate: the server refuses the handshake.
	noCert := conn
	noCert.TLS.CertPath, noCert.TLS.KeyPath = "", ""
	if c, err := noCert.Dial(quiet()); err == nil {
		c.Close()
		t.Error("dial without a client certificate succeeded against an mTLS server")
	}

	// A CA that did not sign the server: the client refuses.
	other := newPKI(t)
	wrongCA := conn
	wrongCA.TLS.CAPath = other.caPEM
	if c, err := wrongCA.Dial(quiet()); err == nil {
		c.Close()
		t.Error("dial with the wrong CA succeeded")
	}

	// Bad settings: named, with the path, never the key.
	for _, tc := range []struct {
		tls  TLS
		want string
	}{
		{TLS{CAPath: filepath.Join(p.dir, "missing.pem")}, "--tls-ca-path " + filepath.Join(p.dir, "missing.pem")},
		{TLS{CAPath: keyFile}, "no PEM certificate"},
		{TLS{CertPath: p.clientCertPath}, "give both or neither"},
		{TLS{CertPath: p.clientCertPath, KeyPath: p.caPEM}, "--tls-cert-path"},
		{TLS{APIKeyFile: filepath.Join(p.dir, "nokey")}, "--api-key-file"},
	} {
		c := Conn{Address: addr, Namespace: "default", TLS: tc.tls}
		_, err := c.Dial(quiet())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want it to contain %q", tc.tls, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), apiKey) {
			t.Errorf("error reveals the API key: %v", err)
		}
	}
}

// TestAPIKeyFromEnv: TEMPORAL_API_KEY alone turns TLS on (server-verified
// with the CA) and sends the key.
func TestAPIKeyFromEnv(t *testing.T) {
	p := newPKI(t)
	addr, fe := p.serve(t, false)
	t.Setenv("TEMPORAL_API_KEY", "env-key-91c2")
	conn := Conn{Address: addr, Namespace: "default", TLS: TLS{CAPath: p.caPEM, ServerName: "temporal.test"}}
	c, err := conn.Dial(quiet())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	fe.mu.Lock()
	defer fe.mu.Unlock()
	if len(fe.auth) == 0 || fe.auth[0] != "Bearer env-key-91c2" {
		t.Errorf("authorization %q", fe.auth)
	}
}
