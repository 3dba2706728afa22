package storage_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/storage"
)

func TestValidKey(t *testing.T) {
	good := []string{
		"a", "result.json", "runs/p0001/W_enc.npy", "A-Z_a.z/0..9", ".hidden", "...", "a/.b/..c",
		"x-", "-x", strings.Repeat("s", storage.MaxSegmentLen),
		strings.Repeat("ab/", 299) + "abc", // MaxKeyLen bytes
	}
	for _, k := range good {
		if err := storage.ValidKey(k); err != nil {
			t.Errorf("ValidKey(%.40q) = %v, want nil", k, err)
		}
	}
	bad := []string{
		"", "/", "/a", "a/", "a//b", ".", "..", "a/..", "../a", "a/./b", `a\b`, "a b", "é", "a~", "a:b",
		"a\x00", strings.Repeat("s", storage.MaxSegmentLen+1), strings.Repeat("a", storage.MaxKeyLen+1),
	}
	for _, k := range bad {
		err := storage.ValidKey(k)
		if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("ValidKey(%.40q) = %v, want ErrInvalidKey", k, err)
		}
	}
}

func TestValidPrefix(t *testing.T) {
	for _, p := range []string{"", "a", "a/", "a/b", "a/b/", "a/.", "a/..", ".", "..", "runs/p1/W"} {
		if err := storage.ValidPrefix(p); err != nil {
			t.Errorf("ValidPrefix(%q) = %v, want nil", p, err)
		}
	}
	for _, p := range []string{"/", "/a", "a//", "../", "a/../", "./x", "a b", "~", "a/~", "é"} {
		if err := storage.ValidPrefix(p); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("ValidPrefix(%q) = %v, want ErrInvalidKey", p, err)
		}
	}
}

func TestVerify(t *testing.T) {
	data := []byte("hello")
	sum := storage.SHA256Hex(data)
	if sum != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" {
		t.Fatalf("SHA256Hex = %s", sum)
	}
	if err := storage.Verify(data, sum); err != nil {
		t.Fatal(err)
	}
	if err := storage.Verify([]byte("hellO"), sum); !errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("Verify mismatch = %v", err)
	}
	if err := storage.Verify(data, ""); !errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("Verify without checksum = %v", err)
	}
}

func TestReadSized(t *testing.T) {
	for _, tt := range []struct {
		in   string
		size int64
		ok   bool
	}{
		{"abc", 3, true}, {"abc", -1, true}, {"", 0, true}, {"", -1, true},
		{"abc", 2, false}, {"abc", 4, false}, {"", 1, false},
	} {
		got, err := storage.ReadSized(strings.NewReader(tt.in), tt.size)
		if tt.ok != (err == nil) || tt.ok && string(got) != tt.in {
			t.Errorf("ReadSized(%q, %d) = %q, %v", tt.in, tt.size, got, err)
		}
	}
}
