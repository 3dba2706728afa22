package data

import "os"

// fashionMNISTTrain lists where Debian's dataset-fashion-mnist package puts
// the training-images IDX file (gzip-compressed), and plausible unpacked
// variants.
var fashionMNISTTrain = []string{
	"/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
	"/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte",
}

// FashionMNISTPath returns the path of the Fashion-MNIST training-images IDX
// file installed by the Debian package dataset-fashion-mnist, and whether it
// exists. Use it as New(Options{Source: "idx:" + path}); the directory
// (filepath.Dir(path)) also works and then uses the t10k file as test split.
func FashionMNISTPath() (string, bool) {
	for _, p := range fashionMNISTTrain {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}
