package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bitsweep/bitsweep/storage"
)

// Options adjust the suite to what a backend's test can do.
type Options struct {
	// Corrupt, if set, changes the stored bytes of key in s behind the
	// store's back while keeping the checksum recorded for it, as a failing
	// disk or a stray writer would. The suite then checks that Get reports
	// storage.ErrChecksum. Without it that check is skipped.
	Corrupt func(t *testing.T, s storage.Store, key string)

	// RacyPut declares that the backend's write-once check is not atomic
	// (storage.Options.StatBeforePut): the concurrent-put test then only
	// checks that every Put succeeds or fails with ErrExist and that the
	// stored content is one of those written.
	RacyPut bool
}

// Run runs the conformance suite against the stores newStore returns. newStore
// is called once per subtest and must return an empty store that no other
// subtest uses; it may register cleanups with t.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	RunWith(t, newStore, Options{})
}

// RunWith is Run with options.
func RunWith(t *testing.T, newStore func(t *testing.T) storage.Store, o Options) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"EmptyObject", testEmptyObject},
		{"UnknownSize", testUnknownSize},
		{"SizeMismatch", testSizeMismatch},
		{"PutIdempotent", testPutIdempotent},
		{"PutConflict", testPutConflict},
		{"NotExist", testNotExist},
		{"ListOrder", testListOrder},
		{"ListPrefix", testListPrefix},
		{"ListStop", testListStop},
		{"InvalidKeys", testInvalidKeys},
		{"InvalidPrefixes", testInvalidPrefixes},
		{"ConcurrentPut", func(t *testing.T, s storage.Store) { testConcurrentPut(t, s, o.RacyPut) }},
		{"ConcurrentReplaceGet", testConcurrentReplaceGet},
		{"Large", testLarge},
		{"Replace", testReplace},
		{"Delete", testDelete},
		{"ContextCanceled", testContextCanceled},
		{"ContextCanceledDuringPut", testContextCanceledDuringPut},
		{"Corrupt", func(t *testing.T, s storage.Store) { testCorrupt(t, s, o.Corrupt) }},
		{"String", testString},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, s storage.Store, key string, data []byte) storage.ObjectInfo {
	t.Helper()
	info, err := s.Put(ctxT(t), key, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

func mustGet(t *testing.T, s storage.Store, key string, want []byte) {
	t.Helper()
	got, err := s.Get(ctxT(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %d bytes %.32q, want %d bytes %.32q", key, len(got), got, len(want), want)
	}
}

func mustNotExist(t *testing.T, s storage.Store, key string) {
	t.Helper()
	if _, err := s.Stat(ctxT(t), key); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Stat(%q) error = %v, want ErrNotExist", key, err)
	}
	if _, err := s.Get(ctxT(t), key); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Get(%q) error = %v, want ErrNotExist", key, err)
	}
}

func randBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func listKeys(t *testing.T, s storage.Store, prefix string) []string {
	t.Helper()
	var keys []string
	err := s.List(ctxT(t), prefix, func(oi storage.ObjectInfo) error {
		keys = append(keys, oi.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return keys
}

func checkInfo(t *testing.T, what string, got storage.ObjectInfo, key string, data []byte) {
	t.Helper()
	if got.Key != key || got.Size != int64(len(data)) || got.SHA256 != storage.SHA256Hex(data) {
		t.Errorf("%s = {Key:%q Size:%d SHA256:%s}, want {Key:%q Size:%d SHA256:%s}",
			what, got.Key, got.Size, got.SHA256, key, len(data), storage.SHA256Hex(data))
	}
	if got.Modified.IsZero() {
		t.Errorf("%s: Modified is zero", what)
	}
}

func testRoundTrip(t *testing.T, s storage.Store) {
	const key = "runs/p0001/W_enc.npy"
	data := randBytes(10_000, 1)
	info := put(t, s, key, data)
	checkInfo(t, "Put info", info, key, data)
	mustGet(t, s, key, data)

	st, err := s.Stat(ctxT(t), key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkInfo(t, "Stat info", st, key, data)

	// A top-level key and one with every allowed character class.
	put(t, s, "result.json", []byte(`{"loss":0.25}`))
	mustGet(t, s, "result.json", []byte(`{"loss":0.25}`))
	odd := "A-Z_a.z/0..9/.hidden/..dots/-x_"
	put(t, s, odd, []byte("odd"))
	mustGet(t, s, odd, []byte("odd"))
}

func testEmptyObject(t *testing.T, s storage.Store) {
	info := put(t, s, "empty", nil)
	checkInfo(t, "Put info", info, "empty", nil)
	mustGet(t, s, "empty", []byte{})
	put(t, s, "empty", []byte{}) // idempotent
	if _, err := s.Put(ctxT(t), "empty", strings.NewReader("x"), 1); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("Put over empty object with content: error = %v, want ErrExist", err)
	}
}

func testUnknownSize(t *testing.T, s storage.Store) {
	data := randBytes(70_000, 2)
	// A reader that is not a *bytes.Reader and hands out small chunks.
	r := io.MultiReader(bytes.NewReader(data[:1]), bytes.NewReader(data[1:5000]), bytes.NewReader(data[5000:]))
	info, err := s.Put(ctxT(t), "unknown/size.bin", r, -1)
	if err != nil {
		t.Fatalf("Put size -1: %v", err)
	}
	checkInfo(t, "Put info", info, "unknown/size.bin", data)
	mustGet(t, s, "unknown/size.bin", data)
}

func testSizeMismatch(t *testing.T, s storage.Store) {
	data := []byte("0123456789")
	for _, size := range []int64{int64(len(data)) + 1, int64(len(data)) - 1, 0} {
		key := fmt.Sprintf("mismatch/%d", size)
		if _, err := s.Put(ctxT(t), key, bytes.NewReader(data), size); err == nil {
			t.Errorf("Put with size %d for %d bytes succeeded", size, len(data))
		}
		mustNotExist(t, s, key)
		if _, err := s.Replace(ctxT(t), key, bytes.NewReader(data), size); err == nil {
			t.Errorf("Replace with size %d for %d bytes succeeded", size, len(data))
		}
		mustNotExist(t, s, key)
	}
	// A failed Replace leaves the old content.
	put(t, s, "mismatch/kept", []byte("old"))
	if _, err := s.Replace(ctxT(t), "mismatch/kept", bytes.NewReader(data), 100); err == nil {
		t.Error("Replace with wrong size succeeded")
	}
	mustGet(t, s, "mismatch/kept", []byte("old"))
	// So does a reader that fails.
	boom := errors.New("boom")
	if _, err := s.Replace(ctxT(t), "mismatch/kept", io.MultiReader(strings.NewReader("new"), errReader{boom}), 10); !errors.Is(err, boom) {
		t.Errorf("Replace with failing reader: error = %v, want it to wrap %v", err, boom)
	}
	mustGet(t, s, "mismatch/kept", []byte("old"))
	if _, err := s.Put(ctxT(t), "mismatch/failing", io.MultiReader(strings.NewReader("new"), errReader{boom}), -1); !errors.Is(err, boom) {
		t.Errorf("Put with failing reader: error = %v, want it to wrap %v", err, boom)
	}
	mustNotExist(t, s, "mismatch/failing")
	if keys := listKeys(t, s, ""); !slices.Equal(keys, []string{"mismatch/kept"}) {
		t.Errorf("List after failed writes = %q, want only mismatch/kept", keys)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func testPutIdempotent(t *testing.T, s storage.Store) {
	data := []byte("same bytes")
	first := put(t, s, "idem/x", data)
	for i := range 3 {
		info, err := s.Put(ctxT(t), "idem/x", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("repeated Put #%d with same content: %v", i, err)
		}
		checkInfo(t, "repeated Put info", info, "idem/x", data)
		if info.SHA256 != first.SHA256 {
			t.Fatalf("SHA256 changed: %s then %s", first.SHA256, info.SHA256)
		}
	}
	mustGet(t, s, "idem/x", data)
}

func testPutConflict(t *testing.T, s storage.Store) {
	put(t, s, "conflict/x", []byte("first"))
	_, err := s.Put(ctxT(t), "conflict/x", strings.NewReader("second"), 6)
	if !errors.Is(err, storage.ErrExist) {
		t.Fatalf("Put with different content: error = %v, want ErrExist", err)
	}
	if !strings.Contains(err.Error(), "conflict/x") {
		t.Errorf("error %q does not name the key", err)
	}
	mustGet(t, s, "conflict/x", []byte("first"))
	// Same length, different bytes.
	if _, err := s.Put(ctxT(t), "conflict/x", strings.NewReader("firsT"), 5); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("Put with same-size different content: error = %v, want ErrExist", err)
	}
	mustGet(t, s, "conflict/x", []byte("first"))
}

func testNotExist(t *testing.T, s storage.Store) {
	mustNotExist(t, s, "nope")
	mustNotExist(t, s, "no/such/key.npy")
	put(t, s, "dir/obj", []byte("x"))
	// A key that is only a prefix of other keys (a directory on disk) does
	// not exist as an object.
	mustNotExist(t, s, "dir")
	mustNotExist(t, s, "dir/ob")
	// A key below an object does not exist either.
	mustNotExist(t, s, "dir/obj/below")
	if err := s.List(ctxT(t), "nope/", func(oi storage.ObjectInfo) error {
		return fmt.Errorf("unexpected object %q", oi.Key)
	}); err != nil {
		t.Fatalf("List of empty prefix: %v", err)
	}
}

// keySet is chosen so that byte-wise key order differs from a naive
// directory walk: '-' (0x2d) and '.' (0x2e) sort before '/' (0x2f).
var keySet = []string{
	"a", "a-b", "a.txt", "a/b", "a/b/c", "a/b-c", "a/b.c", "a/c/d", "a0",
	"ab", "b", "B", "_x", "z/y/x/w",
}

func putKeySet(t *testing.T, s storage.Store) []string {
	t.Helper()
	keys := slices.Clone(keySet)
	// "a" and "a/b" cannot both exist in a file system; drop the ones that
	// are a directory of another key.
	keys = slices.DeleteFunc(keys, func(k string) bool {
		return slices.ContainsFunc(keys, func(o string) bool { return strings.HasPrefix(o, k+"/") })
	})
	order := slices.Clone(keys)
	rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, k := range order {
		put(t, s, k, []byte("content of "+k))
	}
	slices.Sort(keys)
	return keys
}

func testListOrder(t *testing.T, s storage.Store) {
	want := putKeySet(t, s)
	var got []string
	err := s.List(ctxT(t), "", func(oi storage.ObjectInfo) error {
		got = append(got, oi.Key)
		data := []byte("content of " + oi.Key)
		checkInfo(t, "List info", oi, oi.Key, data)
		return nil
	})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("List(\"\") = %q\nwant %q", got, want)
	}
}

func testListPrefix(t *testing.T, s storage.Store) {
	all := putKeySet(t, s)
	for _, prefix := range []string{"", "a", "a/", "a/b", "a/b/", "a/b-", "a.", "a/c/d", "b", "B", "z/y/", "z/y/x/w", "q", "q/", "a/b/c/d"} {
		var want []string
		for _, k := range all {
			if strings.HasPrefix(k, prefix) {
				want = append(want, k)
			}
		}
		if got := listKeys(t, s, prefix); !slices.Equal(got, want) {
			t.Errorf("List(%q) = %q, want %q", prefix, got, want)
		}
	}
}

func testListStop(t *testing.T, s storage.Store) {
	putKeySet(t, s)
	stop := errors.New("stop here")
	n := 0
	err := s.List(ctxT(t), "", func(storage.ObjectInfo) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("List error = %v, want fn's error", err)
	}
	if n != 2 {
		t.Fatalf("fn called %d times after returning an error at call 2", n)
	}
}

var badKeys = []string{
	"", "/", "//", "/a", "a/", "a//b", "/abs/path",
	".", "..", "./a", "a/.", "a/./b", "../a", "a/..", "a/../b", "../../etc/passwd", "a/b/../../..",
	`a\b`, `..\a`, "a b", " a", "a\tb", "a\nb", "a\x00b", "\x00",
	"é", "a:b", "a~b", "~a", "a?b", "a*b", "a%2e", "a#b", "a+b", "a@b", "a=b", "C:/x", "a/b/", "run/p1/",
	strings.Repeat("x", storage.MaxSegmentLen+1),
	strings.Repeat("ab/", storage.MaxKeyLen/3) + "x",
}

func testInvalidKeys(t *testing.T, s storage.Store) {
	ctx := ctxT(t)
	for _, key := range badKeys {
		name := fmt.Sprintf("%.40q", key)
		check := func(op string, err error) {
			t.Helper()
			if !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("%s(%s) error = %v, want ErrInvalidKey", op, name, err)
			}
		}
		_, err := s.Put(ctx, key, strings.NewReader("x"), 1)
		check("Put", err)
		_, err = s.Replace(ctx, key, strings.NewReader("x"), 1)
		check("Replace", err)
		_, err = s.Get(ctx, key)
		check("Get", err)
		_, err = s.Stat(ctx, key)
		check("Stat", err)
		check("Delete", s.Delete(ctx, key))
	}
	if keys := listKeys(t, s, ""); len(keys) != 0 {
		t.Fatalf("invalid keys created objects: %q", keys)
	}
	// The longest valid key and segment are accepted.
	long := strings.Repeat("x", storage.MaxSegmentLen)
	put(t, s, long, []byte("long"))
	mustGet(t, s, long, []byte("long"))
}

func testInvalidPrefixes(t *testing.T, s storage.Store) {
	put(t, s, "a/b", []byte("x"))
	for _, prefix := range []string{"/", "/a", "../", "a/../", "./", "a//", "//", "a b", "a\\", "~", "a/~"} {
		err := s.List(ctxT(t), prefix, func(storage.ObjectInfo) error { return nil })
		if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("List(%q) error = %v, want ErrInvalidKey", prefix, err)
		}
	}
}

func testConcurrentPut(t *testing.T, s storage.Store, racy bool) {
	const writers = 8
	contents := [][]byte{randBytes(50_000, 10), randBytes(50_000, 11)}
	for round := range 4 {
		key := fmt.Sprintf("race/%d.npy", round)
		errs := make([]error, writers)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range writers {
			done.Go(func() {
				start.Wait()
				data := contents[i%2]
				_, errs[i] = s.Put(ctxT(t), key, bytes.NewReader(data), int64(len(data)))
			})
		}
		start.Done()
		done.Wait()

		got, err := s.Get(ctxT(t), key)
		if err != nil {
			t.Fatalf("round %d: Get after race: %v", round, err)
		}
		winner := slices.IndexFunc(contents, func(c []byte) bool { return bytes.Equal(c, got) })
		if winner < 0 {
			t.Fatalf("round %d: stored content is neither of the written ones", round)
		}
		for i, err := range errs {
			switch {
			case racy:
				if err != nil && !errors.Is(err, storage.ErrExist) {
					t.Errorf("round %d: writer %d: %v", round, i, err)
				}
			case i%2 == winner && err != nil:
				t.Errorf("round %d: writer %d with the winning content failed: %v", round, i, err)
			case i%2 != winner && !errors.Is(err, storage.ErrExist):
				t.Errorf("round %d: writer %d with the losing content: error = %v, want ErrExist", round, i, err)
			}
		}
	}
}

func testConcurrentReplaceGet(t *testing.T, s storage.Store) {
	const key = "manifest.json"
	versions := [][]byte{randBytes(20_000, 20), randBytes(30_000, 21), randBytes(25_000, 22)}
	if _, err := s.Replace(ctxT(t), key, bytes.NewReader(versions[0]), int64(len(versions[0]))); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
		cancel()
	}
	for range 3 {
		wg.Go(func() {
			for ctx.Err() == nil {
				got, err := s.Get(ctx, key)
				if err != nil {
					if ctx.Err() == nil {
						fail("Get during Replace: %v", err)
					}
					return
				}
				if !slices.ContainsFunc(versions, func(v []byte) bool { return bytes.Equal(v, got) }) {
					fail("Get during Replace returned a mix of versions (%d bytes)", len(got))
				}
				info, err := s.Stat(ctx, key)
				if err != nil {
					if ctx.Err() == nil {
						fail("Stat during Replace: %v", err)
					}
					return
				}
				if !slices.ContainsFunc(versions, func(v []byte) bool {
					return int64(len(v)) == info.Size && storage.SHA256Hex(v) == info.SHA256
				}) {
					fail("Stat during Replace returned size %d with sha256 %s of different versions", info.Size, info.SHA256)
				}
			}
		})
	}
	for i := range 30 {
		if ctx.Err() != nil {
			break
		}
		v := versions[(i+1)%len(versions)]
		if _, err := s.Replace(ctx, key, bytes.NewReader(v), int64(len(v))); err != nil {
			fail("Replace #%d: %v", i, err)
		}
	}
	cancel()
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
}

func testLarge(t *testing.T, s storage.Store) {
	const key = "large/W_dec.npy"
	data := randBytes(8<<20+123, 3)
	info := put(t, s, key, data)
	checkInfo(t, "Put info", info, key, data)
	mustGet(t, s, key, data)
	// Idempotent retry and conflict work at this size too.
	put(t, s, key, data)
	other := slices.Clone(data)
	other[len(other)/2] ^= 1
	if _, err := s.Put(ctxT(t), key, bytes.NewReader(other), int64(len(other))); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("Put of large different content: error = %v, want ErrExist", err)
	}
}

func testReplace(t *testing.T, s storage.Store) {
	const key = "state/checkpoint.json"
	v1, v2 := []byte(`{"step":1}`), []byte(`{"step":2, "more": true}`)
	info, err := s.Replace(ctxT(t), key, bytes.NewReader(v1), int64(len(v1)))
	if err != nil {
		t.Fatalf("Replace of absent key: %v", err)
	}
	checkInfo(t, "Replace info", info, key, v1)
	mustGet(t, s, key, v1)

	info, err = s.Replace(ctxT(t), key, bytes.NewReader(v2), int64(len(v2)))
	if err != nil {
		t.Fatalf("Replace of existing key: %v", err)
	}
	checkInfo(t, "Replace info", info, key, v2)
	mustGet(t, s, key, v2)
	st, err := s.Stat(ctxT(t), key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkInfo(t, "Stat after Replace", st, key, v2)

	// Put after Replace is write-once against the replaced content.
	if _, err := s.Put(ctxT(t), key, bytes.NewReader(v1), int64(len(v1))); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("Put of old content after Replace: error = %v, want ErrExist", err)
	}
	put(t, s, key, v2)

	// Replace over an object written by Put.
	put(t, s, "state/once", []byte("once"))
	if _, err := s.Replace(ctxT(t), "state/once", strings.NewReader("twice"), 5); err != nil {
		t.Fatalf("Replace over Put: %v", err)
	}
	mustGet(t, s, "state/once", []byte("twice"))
	if keys := listKeys(t, s, "state/"); !slices.Equal(keys, []string{key, "state/once"}) {
		t.Fatalf("List = %q", keys)
	}
}

func testDelete(t *testing.T, s storage.Store) {
	ctx := ctxT(t)
	put(t, s, "del/x", []byte("one"))
	put(t, s, "del/y", []byte("keep"))
	if err := s.Delete(ctx, "del/x"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustNotExist(t, s, "del/x")
	if err := s.Delete(ctx, "del/x"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if err := s.Delete(ctx, "never/existed"); err != nil {
		t.Fatalf("Delete of missing key: %v", err)
	}
	if err := s.Delete(ctx, "del"); err != nil {
		t.Fatalf("Delete of a key that is only a prefix: %v", err)
	}
	mustGet(t, s, "del/y", []byte("keep"))
	// After Delete, the key takes new content (--recompute).
	put(t, s, "del/x", []byte("two"))
	mustGet(t, s, "del/x", []byte("two"))
	if keys := listKeys(t, s, ""); !slices.Equal(keys, []string{"del/x", "del/y"}) {
		t.Fatalf("List = %q", keys)
	}
}

func testContextCanceled(t *testing.T, s storage.Store) {
	put(t, s, "ctx/existing", []byte("x"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	check := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with canceled context: error = %v, want context.Canceled", op, err)
		}
	}
	_, err := s.Put(ctx, "ctx/new", strings.NewReader("y"), 1)
	check("Put", err)
	_, err = s.Replace(ctx, "ctx/existing", strings.NewReader("y"), 1)
	check("Replace", err)
	_, err = s.Get(ctx, "ctx/existing")
	check("Get", err)
	_, err = s.Stat(ctx, "ctx/existing")
	check("Stat", err)
	check("Delete", s.Delete(ctx, "ctx/existing"))
	check("List", s.List(ctx, "", func(storage.ObjectInfo) error { return nil }))

	mustNotExist(t, s, "ctx/new")
	mustGet(t, s, "ctx/existing", []byte("x"))
}

// cancelingReader cancels a context once it has been read from, then keeps
// yielding data, as if the caller gave up in the middle of an upload.
type cancelingReader struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (c *cancelingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), 1000)])
	c.cancel()
	return n, err
}

func testContextCanceledDuringPut(t *testing.T, s storage.Store) {
	data := randBytes(1<<20, 4)
	ctx, cancel := context.WithCancel(t.Context())
	_, err := s.Put(ctx, "ctx/mid", &cancelingReader{bytes.NewReader(data), cancel}, int64(len(data)))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Put canceled mid-stream: error = %v, want context.Canceled", err)
	}
	mustNotExist(t, s, "ctx/mid")

	put(t, s, "ctx/kept", []byte("old"))
	ctx, cancel = context.WithCancel(t.Context())
	_, err = s.Replace(ctx, "ctx/kept", &cancelingReader{bytes.NewReader(data), cancel}, int64(len(data)))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Replace canceled mid-stream: error = %v, want context.Canceled", err)
	}
	mustGet(t, s, "ctx/kept", []byte("old"))
	if keys := listKeys(t, s, ""); !slices.Equal(keys, []string{"ctx/kept"}) {
		t.Errorf("List after canceled writes = %q", keys)
	}
}

func testCorrupt(t *testing.T, s storage.Store, corrupt func(*testing.T, storage.Store, string)) {
	if corrupt == nil {
		t.Skip("backend test gave no Options.Corrupt hook")
	}
	for _, size := range []int{1, 4096, 1 << 20} {
		key := fmt.Sprintf("corrupt/%d.npy", size)
		data := randBytes(size, uint64(size))
		put(t, s, key, data)
		corrupt(t, s, key)
		_, err := s.Get(ctxT(t), key)
		if !errors.Is(err, storage.ErrChecksum) {
			t.Fatalf("Get of corrupted %s: error = %v, want ErrChecksum", key, err)
		}
		if errors.Is(err, storage.ErrNotExist) {
			t.Fatalf("Get of corrupted object also reports ErrNotExist: %v", err)
		}
		// The object still exists.
		if _, err := s.Stat(ctxT(t), key); err != nil {
			t.Fatalf("Stat of corrupted object: %v", err)
		}
	}
}

func testString(t *testing.T, s storage.Store) {
	str := s.String()
	if !strings.Contains(str, "://") {
		t.Errorf("String() = %q, want a URL", str)
	}
}
