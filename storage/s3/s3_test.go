package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/storagetest"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// testBucket is shared by test runs; each run works under its own random
// prefix and deletes what it wrote.
const testBucket = "bitsweep-test"

// runPrefix is this test binary's prefix in testBucket.
var runPrefix = "run-" + strings.ToLower(rand.Text()[:12])

// testServer returns the MinIO endpoint and credentials to test against, or
// skips the test.
func testServer(t *testing.T) (endpoint string) {
	t.Helper()
	endpoint = os.Getenv("BITSWEEP_TEST_S3_ENDPOINT")
	if endpoint == "" {
		t.Skip("BITSWEEP_TEST_S3_ENDPOINT is not set: no S3 server to test against " +
			`(start one with: eval "$(.ci/minio.sh start)")`)
	}
	if os.Getenv("MINIO_ROOT_USER") == "" || os.Getenv("MINIO_ROOT_PASSWORD") == "" {
		t.Fatal("BITSWEEP_TEST_S3_ENDPOINT is set but MINIO_ROOT_USER or MINIO_ROOT_PASSWORD is not")
	}
	return endpoint
}

func testOptions(endpoint string) storage.Options {
	return storage.Options{
		Endpoint:     endpoint,
		PlainHTTP:    true,
		CreateBucket: true,
		Credentials:  []storage.CredentialSource{storage.CredentialsMinioEnv},
	}
}

// rawClient talks to the test server behind the Store's back.
func rawClient(t *testing.T, endpoint string) *minio.Client {
	t.Helper()
	c, err := minio.New(endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(os.Getenv("MINIO_ROOT_USER"), os.Getenv("MINIO_ROOT_PASSWORD"), ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var storeSeq atomic.Int64

// newTestStore returns a Store under a fresh prefix, removing its objects
// when the test ends.
func newTestStore(t *testing.T, endpoint string, o storage.Options) *Store {
	t.Helper()
	prefix := fmt.Sprintf("%s/%03d-%s", runPrefix, storeSeq.Add(1), strings.ReplaceAll(t.Name(), "/", "."))
	s, err := New(t.Context(), testBucket, prefix, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeAll(t, rawClient(t, endpoint), prefix+"/") })
	return s
}

func removeAll(t *testing.T, c *minio.Client, prefix string) {
	ctx := context.Background()
	objs := c.ListObjects(ctx, testBucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true})
	for err := range c.RemoveObjects(ctx, testBucket, objs, minio.RemoveObjectsOptions{}) {
		t.Errorf("cleanup: remove %s: %v", err.ObjectName, err.Err)
	}
}

func TestConformance(t *testing.T) {
	endpoint := testServer(t)
	var stores []*Store
	storagetest.RunWith(t,
		func(t *testing.T) storage.Store {
			s := newTestStore(t, endpoint, testOptions(endpoint))
			stores = append(stores, s)
			return s
		},
		storagetest.Options{Corrupt: func(t *testing.T, s storage.Store, key string) {
			corrupt(t, rawClient(t, endpoint), s.(*Store), key)
		}})
	// The suite must have exercised conditional writes, not the fallback.
	for _, s := range stores {
		if s.statBeforePut.Load() {
			t.Errorf("%s fell back to stat-before-put: the server rejected If-None-Match", s)
		}
	}
}

// TestConformanceStatBeforePut runs the suite in the fallback mode for
// servers without conditional writes.
func TestConformanceStatBeforePut(t *testing.T) {
	endpoint := testServer(t)
	o := testOptions(endpoint)
	o.StatBeforePut = true
	storagetest.RunWith(t,
		func(t *testing.T) storage.Store { return newTestStore(t, endpoint, o) },
		storagetest.Options{RacyPut: true})
}

// corrupt overwrites the object with one byte flipped, keeping the
// recorded checksum, as a stray writer or a bad disk under the server might.
func corrupt(t *testing.T, c *minio.Client, s *Store, key string) {
	t.Helper()
	ctx := t.Context()
	obj, err := c.GetObject(ctx, s.bucket, s.name(key), minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	oi, err := obj.Stat()
	if err != nil {
		t.Fatal(err)
	}
	obj.Close()
	data[len(data)/2] ^= 0x40
	_, err = c.PutObject(ctx, s.bucket, s.name(key), bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{UserMetadata: map[string]string{sumMeta: oi.UserMetadata[sumMeta]}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestServerConditionalPut checks the server itself refuses a second
// If-None-Match: * upload, the primitive Put's write-once relies on.
func TestServerConditionalPut(t *testing.T) {
	endpoint := testServer(t)
	s := newTestStore(t, endpoint, testOptions(endpoint))
	c := rawClient(t, endpoint)
	put := func(body string) error {
		var o minio.PutObjectOptions
		o.SetMatchETagExcept("*")
		_, err := c.PutObject(t.Context(), s.bucket, s.name("cond"), strings.NewReader(body), int64(len(body)), o)
		return err
	}
	if err := put("one"); err != nil {
		t.Fatalf("first conditional put: %v", err)
	}
	err := put("two")
	if code := minio.ToErrorResponse(err).Code; code != minio.PreconditionFailed {
		t.Fatalf("second conditional put: error = %v (code %q), want PreconditionFailed", err, code)
	}
}

func TestForeignObjects(t *testing.T) {
	endpoint := testServer(t)
	s := newTestStore(t, endpoint, testOptions(endpoint))
	c := rawClient(t, endpoint)
	ctx := t.Context()
	for _, name := range []string{"plain.json", "bad name", "a/~b", "x:y"} {
		if _, err := c.PutObject(ctx, s.bucket, s.prefix+name, strings.NewReader("{}"), 2, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var got []storage.ObjectInfo
	if err := s.List(ctx, "", func(oi storage.ObjectInfo) error { got = append(got, oi); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != "plain.json" || got[0].SHA256 != "" || got[0].Size != 2 {
		t.Fatalf("List = %+v, want only plain.json without checksum", got)
	}
	if _, err := s.Get(ctx, "plain.json"); !errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("Get of object without checksum: error = %v, want ErrChecksum", err)
	}
	if _, err := s.Put(ctx, "plain.json", strings.NewReader("{}"), 2); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("Put over object without checksum: error = %v, want ErrExist", err)
	}
}

func TestMissingBucket(t *testing.T) {
	endpoint := testServer(t)
	o := testOptions(endpoint)
	o.CreateBucket = false
	_, err := New(t.Context(), "bitsweep-no-such-bucket-"+strings.ToLower(rand.Text()[:8]), "", o)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("New with missing bucket: error = %v", err)
	}
}

func TestWrongCredentials(t *testing.T) {
	endpoint := testServer(t)
	o := testOptions(endpoint)
	o.Credentials = []storage.CredentialSource{storage.CredentialsAWSEnv}
	o.Getenv = func(k string) string {
		return map[string]string{"AWS_ACCESS_KEY_ID": "nobody", "AWS_SECRET_ACCESS_KEY": "hunter2-wrong-secret"}[k]
	}
	_, err := New(t.Context(), testBucket, "x", o)
	if err == nil {
		t.Fatal("New with wrong credentials succeeded")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error leaks the secret: %v", err)
	}
}
