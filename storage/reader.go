package storage

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

// ContextReader returns a reader that fails with ctx.Err() once ctx is
// done, so that a backend copying a Put's reader stops promptly when the
// caller gives up.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx, r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ReadSized reads all of r, which must yield exactly size bytes, or any
// number of bytes if size is negative. It is how backends that buffer a
// write consume Put's (r, size) arguments.
func ReadSized(r io.Reader, size int64) ([]byte, error) {
	if size < 0 {
		return io.ReadAll(r)
	}
	var buf bytes.Buffer
	buf.Grow(int(min(size, 64<<20)) + 1)
	n, err := io.Copy(&buf, io.LimitReader(r, size+1))
	if err != nil {
		return nil, err
	}
	if n != size {
		return nil, SizeError(size, n)
	}
	return buf.Bytes(), nil
}

// SizeError reports that a reader yielded got bytes where want were
// announced; got == want+1 stands for "more than announced".
func SizeError(want, got int64) error {
	if got > want {
		return fmt.Errorf("reader yielded more than the announced %d bytes", want)
	}
	return fmt.Errorf("reader yielded %d bytes, announced %d", got, want)
}
