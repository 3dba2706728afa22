package open_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/open"
)

func Example() {
	dir, _ := os.MkdirTemp("", "bitsweep-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	// "s3://bucket/prefix" would do the same on S3.
	st, err := open.Open(ctx, dir, storage.Options{})
	if err != nil {
		log.Fatal(err)
	}
	result := `{"loss": 0.031}`
	info, err := st.Put(ctx, "runs/p0001/result.json", strings.NewReader(result), int64(len(result)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Key, info.Size, info.SHA256[:12])

	// A retried activity writing the same bytes succeeds; different bytes do not.
	_, err = st.Put(ctx, "runs/p0001/result.json", strings.NewReader(result), int64(len(result)))
	fmt.Println("same content:", err)
	_, err = st.Put(ctx, "runs/p0001/result.json", strings.NewReader(`{}`), 2)
	fmt.Println("different content exists:", errors.Is(err, storage.ErrExist))

	_, err = st.Get(ctx, "runs/p0002/result.json")
	fmt.Println("missing:", errors.Is(err, storage.ErrNotExist))
	// Output:
	// runs/p0001/result.json 15 54b877dba700
	// same content: <nil>
	// different content exists: true
	// missing: true
}
