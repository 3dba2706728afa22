package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/minio/minio-go/v7"
)

// sumMeta is the user-metadata key holding an object's hex SHA-256; it
// travels as the header x-amz-meta-sha256 and minio-go returns it
// canonicalized.
const sumMeta = "Sha256"

// maxAttempts bounds Put's retries after conflicts with concurrent writers.
const maxAttempts = 10

// Store is a storage.Store in an S3 bucket. See the package documentation.
type Store struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"

	// statBeforePut: write-once by HEAD then unconditional PUT (racy),
	// set by Options or after the server rejected If-None-Match.
	statBeforePut atomic.Bool
}

var _ storage.Store = (*Store)(nil)

// New returns a Store for the objects under prefix (a valid key, or "") in
// bucket, connecting as storage.Options describe. It checks that the bucket
// exists, creating it if o.CreateBucket is set, so that a wrong endpoint,
// credentials or bucket name fail here rather than at the first Put.
func New(ctx context.Context, bucket, prefix string, o storage.Options) (*Store, error) {
	s, err := newStore(ctx, bucket, prefix, o)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", storeURL(bucket, prefix), err)
	}
	return s, nil
}

func newStore(ctx context.Context, bucket, prefix string, o storage.Options) (*Store, error) {
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		if err := storage.ValidKey(prefix); err != nil {
			return nil, fmt.Errorf("prefix: %w", err)
		}
		prefix += "/"
	}
	cfg, err := resolveConfig(o)
	if err != nil {
		return nil, err
	}
	creds, _, err := resolveCredentials(o)
	if err != nil {
		return nil, err
	}
	tr, err := cfg.transport()
	if err != nil {
		return nil, err
	}
	client, err := minio.New(cfg.host, &minio.Options{
		Creds:        creds,
		Secure:       cfg.secure,
		Transport:    tr,
		Region:       cfg.region,
		BucketLookup: cfg.lookup,
	})
	if err != nil {
		return nil, err
	}
	s := &Store{client: client, bucket: bucket, prefix: prefix}
	s.statBeforePut.Store(o.StatBeforePut)

	ok, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, err
	}
	if !ok {
		if !o.CreateBucket {
			return nil, fmt.Errorf("bucket %q does not exist (create it, or set CreateBucket)", bucket)
		}
		err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: cfg.region})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			return nil, fmt.Errorf("create bucket %q: %w", bucket, err)
		}
	}
	return s, nil
}

func storeURL(bucket, prefix string) string {
	return "s3://" + path.Join(bucket, strings.Trim(prefix, "/"))
}

// String returns "s3://bucket/prefix".
func (s *Store) String() string { return storeURL(s.bucket, s.prefix) }

func (s *Store) name(key string) string { return s.prefix + key }

// Put implements storage.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) (storage.ObjectInfo, error) {
	info, err := s.put(ctx, key, r, size)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	return info, nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64) (storage.ObjectInfo, error) {
	data, sum, err := s.prepare(ctx, key, r, size)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	for range maxAttempts {
		if s.statBeforePut.Load() {
			info, err := s.stat(ctx, key)
			if err == nil {
				return sameOrExist(info, sum)
			}
			if !errors.Is(err, storage.ErrNotExist) {
				return storage.ObjectInfo{}, err
			}
			return s.upload(ctx, key, data, sum, false)
		}

		info, err := s.upload(ctx, key, data, sum, true)
		switch code := minio.ToErrorResponse(err).Code; {
		case err == nil:
			return info, nil
		case code == minio.PreconditionFailed: // the key is taken
			info, err := s.stat(ctx, key)
			if errors.Is(err, storage.ErrNotExist) {
				continue // deleted since: try again
			}
			if err != nil {
				return storage.ObjectInfo{}, err
			}
			return sameOrExist(info, sum)
		case code == "ConditionalRequestConflict": // AWS: a concurrent conditional write
			if err := sleep(ctx, 50*time.Millisecond); err != nil {
				return storage.ObjectInfo{}, err
			}
		case code == minio.NotImplemented:
			s.statBeforePut.Store(true)
		default:
			return storage.ObjectInfo{}, err
		}
	}
	return storage.ObjectInfo{}, fmt.Errorf("gave up after %d attempts racing other writers", maxAttempts)
}

func sameOrExist(info storage.ObjectInfo, sum string) (storage.ObjectInfo, error) {
	if info.SHA256 != sum {
		return storage.ObjectInfo{}, fmt.Errorf("%w with sha256 %q (new content has %s)", storage.ErrExist, info.SHA256, sum)
	}
	return info, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// prepare validates a write and reads its content.
func (s *Store) prepare(ctx context.Context, key string, r io.Reader, size int64) (data []byte, sum string, err error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, "", err
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	data, err = storage.ReadSized(storage.ContextReader(ctx, r), size)
	if err != nil {
		return nil, "", err
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	return data, storage.SHA256Hex(data), nil
}

// upload PUTs data under key in a single request, with If-None-Match: * if
// ifNone.
func (s *Store) upload(ctx context.Context, key string, data []byte, sum string, ifNone bool) (storage.ObjectInfo, error) {
	ctype := mime.TypeByExtension(path.Ext(key))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	opts := minio.PutObjectOptions{
		UserMetadata:     map[string]string{sumMeta: sum},
		ContentType:      ctype,
		DisableMultipart: true, // one request: the condition applies to it whole
		SendContentMd5:   true, // the server checks the bytes arrived intact
	}
	if ifNone {
		opts.SetMatchETagExcept("*")
	}
	ui, err := s.client.PutObject(ctx, s.bucket, s.name(key), bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		return storage.ObjectInfo{}, ctxErr(ctx, err)
	}
	mod := ui.LastModified
	if mod.IsZero() { // S3 does not return it for PUT
		mod = time.Now().UTC()
	}
	return storage.ObjectInfo{Key: key, Size: int64(len(data)), SHA256: sum, Modified: mod}, nil
}

// ctxErr returns ctx's error if it is done (so that callers can test for
// context.Canceled), else err.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// Replace implements storage.Store.
func (s *Store) Replace(ctx context.Context, key string, r io.Reader, size int64) (storage.ObjectInfo, error) {
	data, sum, err := s.prepare(ctx, key, r, size)
	if err == nil {
		var info storage.ObjectInfo
		if info, err = s.upload(ctx, key, data, sum, false); err == nil {
			return info, nil
		}
	}
	return storage.ObjectInfo{}, fmt.Errorf("replace %q: %w", key, err)
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	data, err := s.get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("get %q: %w", key, err)
	}
	return data, nil
}

func (s *Store) get(ctx context.Context, key string) ([]byte, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// One GET whose response carries both the data and its metadata.
	// minio.Core's GetObject returns the response body as it is; the
	// Client's wraps it in an Object, which runs a goroutine per call and
	// passes every Read through channels: measurable overhead when a report
	// reads 100,000 small result.json files.
	body, oi, _, err := minio.Core{Client: s.client}.GetObject(ctx, s.bucket, s.name(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	defer body.Close()
	var buf bytes.Buffer
	if oi.Size >= 0 && oi.Size < 1<<30 {
		buf.Grow(int(oi.Size) + bytes.MinRead) // read to EOF without growing
	}
	if _, err := buf.ReadFrom(body); err != nil {
		return nil, mapErr(ctx, err)
	}
	data := buf.Bytes()
	if err := storage.Verify(data, recordedSum(oi.UserMetadata[sumMeta])); err != nil {
		return nil, err
	}
	return data, nil
}

// recordedSum returns v if it is a hex SHA-256, else "".
func recordedSum(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if len(v) != 64 || strings.Trim(v, "0123456789abcdef") != "" {
		return ""
	}
	return v
}

// mapErr turns "no such key" into storage.ErrNotExist.
func mapErr(ctx context.Context, err error) error {
	resp := minio.ToErrorResponse(err)
	if resp.Code == minio.NoSuchKey || resp.StatusCode == http.StatusNotFound && resp.Code != minio.NoSuchBucket {
		return storage.ErrNotExist
	}
	return ctxErr(ctx, err)
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	info, err := s.stat(ctx, key)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("stat %q: %w", key, err)
	}
	return info, nil
}

func (s *Store) stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, s.name(key), minio.StatObjectOptions{})
	if err != nil {
		return storage.ObjectInfo{}, mapErr(ctx, err)
	}
	return storage.ObjectInfo{
		Key:      key,
		Size:     oi.Size,
		SHA256:   recordedSum(oi.UserMetadata[sumMeta]),
		Modified: oi.LastModified,
	}, nil
}

// List implements storage.Store. MinIO returns user metadata with the
// listing; for servers that do not (AWS), each object's checksum costs a
// HEAD request.
func (s *Store) List(ctx context.Context, prefix string, fn func(storage.ObjectInfo) error) error {
	if err := storage.ValidPrefix(prefix); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio-go's listing goroutine on early return
	objects := s.client.ListObjects(lctx, s.bucket, minio.ListObjectsOptions{
		Prefix:       s.name(prefix),
		Recursive:    true,
		WithMetadata: true,
	})
	for oi := range objects {
		if oi.Err != nil {
			return fmt.Errorf("list %q: %w", prefix, ctxErr(ctx, oi.Err))
		}
		key := strings.TrimPrefix(oi.Key, s.prefix)
		if storage.ValidKey(key) != nil {
			continue // not written through a Store
		}
		info := storage.ObjectInfo{
			Key:      key,
			Size:     oi.Size,
			SHA256:   recordedSum(oi.UserMetadataStripped[sumMeta]),
			Modified: oi.LastModified,
		}
		if info.SHA256 == "" {
			st, err := s.stat(ctx, key)
			if errors.Is(err, storage.ErrNotExist) {
				continue // deleted since
			}
			if err != nil {
				return fmt.Errorf("list %q: %w", prefix, err)
			}
			info = st
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	return nil
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	err := s.client.RemoveObject(ctx, s.bucket, s.name(key), minio.RemoveObjectOptions{})
	if err != nil && !errors.Is(mapErr(ctx, err), storage.ErrNotExist) {
		return fmt.Errorf("delete %q: %w", key, ctxErr(ctx, err))
	}
	return nil
}
