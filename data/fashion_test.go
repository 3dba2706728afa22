package data

import (
	"math"
	"path/filepath"
	"testing"
)

// TestFashionMNIST loads the real Fashion-MNIST files of the Debian package
// dataset-fashion-mnist (gzip-compressed IDX) when it is installed.
func TestFashionMNIST(t *testing.T) {
	path, ok := FashionMNISTPath()
	if !ok {
		t.Skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist); looked for", fashionMNISTTrain)
	}
	im, err := readIDXFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if im.n != 60000 || im.d != 784 || len(im.pix) != 60000*784 {
		t.Fatalf("%s: %d records of %d pixels, want 60000 of 784", path, im.n, im.d)
	}

	// The single file: last round(60000/7) = 8571 records are the test split.
	src, err := New(Options{Source: "idx:" + path, Dim: 784})
	if err != nil {
		t.Fatal(err)
	}
	if is := src.(*imageSource); is.train.n != 51429 || is.test.n != 8571 {
		t.Errorf("single file: train %d, test %d; want 51429, 8571", is.train.n, is.test.n)
	}

	// The directory: train-images (60000) and t10k-images (10000).
	src, err = New(Options{Source: "idx:" + filepath.Dir(path)})
	if err != nil {
		t.Fatal(err)
	}
	is := src.(*imageSource)
	if src.Dim() != 784 || is.train.n != 60000 || is.test.n != 10000 {
		t.Fatalf("directory: dim %d, train %d, test %d; want 784, 60000, 10000", src.Dim(), is.train.n, is.test.n)
	}
	row := make([]float32, 784)
	var sq float64
	for i := range is.train.n {
		is.trainRow(i, row)
		for _, v := range row {
			sq += float64(v) * float64(v)
		}
	}
	if ms := sq / (60000 * 784); math.Abs(ms-1) > 1e-5 {
		t.Errorf("training mean square = %v, want 1", ms)
	}
	x, rows := src.Heldout(1, 20000)
	if rows != 10000 || len(x) != 10000*784 {
		t.Errorf("Heldout(1, 20000) = %d rows, want 10000", rows)
	}
}
