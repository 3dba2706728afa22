package s3

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/storagetest"
)

// minioBinary is the MinIO that .ci/minio.sh installs, or "" if absent.
func minioBinary() string {
	cache := os.Getenv("BITSWEEP_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "bitsweep")
	}
	p := filepath.Join(cache, "bin", "minio")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// writeCA writes a private CA (ca.pem) and a server certificate for
// 127.0.0.1 signed by it, in MinIO's certs-dir layout (public.crt,
// private.key).
func writeCA(t *testing.T, dir, certsDir string) (caFile string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bitsweep test S3 CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	os.MkdirAll(certsDir, 0o700)
	write := func(path, typ string, b []byte) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(certsDir, "public.crt"), "CERTIFICATE", der)
	write(filepath.Join(certsDir, "private.key"), "EC PRIVATE KEY", kder)
	caFile = filepath.Join(dir, "ca.pem")
	write(caFile, "CERTIFICATE", caDER)
	return caFile
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestMinIOOverTLS runs a real MinIO over HTTPS with a certificate from a
// private CA on 127.0.0.1: the store refuses it without the CA, and passes
// the conformance suite with the CA given as CAFile.
func TestMinIOOverTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a MinIO server")
	}
	bin := minioBinary()
	if bin == "" {
		t.Skip("no MinIO binary (bash .ci/minio.sh install)")
	}
	dir := t.TempDir()
	certs := filepath.Join(dir, "certs")
	caFile := writeCA(t, dir, certs)
	addr, console := freePort(t), freePort(t)
	user, pass := "tls-test", "tls-test-"+strings.ToLower(rand.Text()[:16])
	cmd := exec.Command(bin, "server", "--quiet", "--certs-dir", certs, "--address", addr, "--console-address", console, filepath.Join(dir, "data"))
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+user, "MINIO_ROOT_PASSWORD="+pass, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	env := map[string]string{"MINIO_ROOT_USER": user, "MINIO_ROOT_PASSWORD": pass}
	o := storage.Options{
		Endpoint: "https://" + addr, CreateBucket: true, Getenv: func(k string) string { return env[k] },
		Credentials: []storage.CredentialSource{storage.CredentialsMinioEnv},
	}
	// Wait until it serves TLS (with the CA; any answer will do).
	withCA := o
	withCA.CAFile = caFile
	deadline := time.Now().Add(90 * time.Second)
	for {
		_, err := New(t.Context(), "tls-probe", "p", withCA)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("MinIO over TLS not ready: %v\n%s", err, out.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	if _, err := New(t.Context(), "tls-probe", "p", o); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the CA: error %v, want a certificate error", err)
	}
	storagetest.Run(t, func(t *testing.T) storage.Store {
		s, err := New(t.Context(), "tls-conformance", strings.ToLower(rand.Text()[:8]), withCA)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
	if strings.Contains(out.String(), pass) {
		t.Error("MinIO's output shows the password")
	}
}
