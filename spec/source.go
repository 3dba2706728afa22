package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// syntheticSources are the sources without a path (see package data).
var syntheticSources = []string{"gaussian", "bernoulli-gaussian", "sparse-rademacher"}

const sourceKinds = "gaussian, bernoulli-gaussian, sparse-rademacher, idx:PATH or cifar10:PATH"

// checkSource checks a source value the way data.New will read it, without
// loading any data: a synthetic source by name, or an image source whose
// path exists and can be opened (a file or, as data.New allows, a
// directory). A relative path is resolved against the directory of the spec
// file, and the returned value holds the absolute, cleaned path, so the
// point does not depend on the working directory of whoever runs it. It
// returns the value to store, or a message.
func (p *parser) checkSource(s string) (string, string) {
	kind, path, hasPath := strings.Cut(s, ":")
	switch kind {
	case "gaussian", "bernoulli-gaussian", "sparse-rademacher":
		if hasPath {
			return "", "unknown source: the synthetic source " + kind + " takes no path (want " + sourceKinds + ")"
		}
		return s, ""
	case "idx", "cifar10":
		if path == "" {
			return "", "an image source needs a path: " + kind + ":PATH"
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.dir, path)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", "cannot resolve the path " + path + ": " + err.Error()
		}
		if _, err := os.Stat(abs); err != nil {
			return "", "cannot use " + abs + ": " + pathErrText(err)
		}
		f, err := os.Open(abs)
		if err != nil {
			return "", "cannot read " + abs + ": " + pathErrText(err)
		}
		f.Close()
		return kind + ":" + abs, ""
	default:
		return "", "unknown source (want " + sourceKinds + ")" +
			didYouMean(kind, append([]string{"idx", "cifar10"}, syntheticSources...))
	}
}

// pathErrText is the reason of a path error without the repeated path.
func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
