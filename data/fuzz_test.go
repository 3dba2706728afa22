package data

import (
	"bytes"
	"testing"
)

// FuzzIDX feeds arbitrary bytes to the IDX parser, as a stream of unknown
// length and as a file of known length: it must never panic, and on success
// the result must be consistent.
func FuzzIDX(f *testing.F) {
	valid := makeIDX(0x08, []uint32{3, 2, 2}, randomPixels(1, 12))
	f.Add(valid)
	f.Add(gzipBytes(f, valid))
	f.Add(makeIDX(0x08, []uint32{2, 3}, []byte{1, 2, 3, 4, 5, 6}))
	f.Add(makeIDX(0x08, []uint32{1 << 20, 64, 64}, []byte{1, 2, 3}))
	f.Add(makeIDX(0x0D, []uint32{1, 1}, []byte{0, 0, 0, 0}))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, size := range []int64{-1, int64(len(b))} {
			im, err := parseIDX(bytes.NewReader(b), size)
			if err != nil {
				continue
			}
			if im.n < 1 || im.d < 1 || len(im.pix) != im.n*im.d {
				t.Fatalf("size %d: n = %d, d = %d, %d pixels", size, im.n, im.d, len(im.pix))
			}
		}
	})
}

// FuzzCIFAR does the same for the CIFAR-10 parser.
func FuzzCIFAR(f *testing.F) {
	one, _ := makeCIFAR(1, 1)
	two, _ := makeCIFAR(2, 2)
	f.Add(one)
	f.Add(two)
	f.Add(two[:cifarRecord+7])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, size := range []int64{-1, int64(len(b))} {
			im, err := parseCIFAR(bytes.NewReader(b), size)
			if err != nil {
				if len(b) > 0 && len(b)%cifarRecord == 0 {
					t.Fatalf("size %d: %d bytes (whole records) rejected: %v", size, len(b), err)
				}
				continue
			}
			if len(b)%cifarRecord != 0 || im.n != len(b)/cifarRecord || im.d != cifarPixels || len(im.pix) != im.n*im.d {
				t.Fatalf("size %d: %d bytes gave n = %d, d = %d", size, len(b), im.n, im.d)
			}
			for i := range im.n {
				if !bytes.Equal(im.pix[i*cifarPixels:(i+1)*cifarPixels], b[i*cifarRecord+1:(i+1)*cifarRecord]) {
					t.Fatalf("record %d pixels differ", i)
				}
			}
		}
	})
}
