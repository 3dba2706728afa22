package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
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
		if len(path) > maxSourcePath {
			return "", fmt.Sprintf("the path is %d bytes long (at most %d)", len(path), maxSourcePath)
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.dir, path)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", "cannot resolve the path " + showPath(path) + ": " + err.Error()
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return "", "cannot use " + showPath(abs) + ": " + pathErrText(err)
		}
		// Opening a FIFO would block until something writes to it (forever,
		// for Parse), and a device is no data set.
		if m := fi.Mode(); !m.IsRegular() && !m.IsDir() {
			return "", "cannot use " + showPath(abs) + ": not a regular file or a directory (" + fileKind(m) + ")"
		}
		f, err := os.Open(abs)
		if err != nil {
			return "", "cannot read " + showPath(abs) + ": " + pathErrText(err)
		}
		f.Close()
		return kind + ":" + abs, ""
	default:
		return "", "unknown source (want " + sourceKinds + ")" +
			didYouMean(kind, append([]string{"idx", "cifar10"}, syntheticSources...))
	}
}

// maxSourcePath is the longest PATH of an image source accepted, in bytes
// (Linux's PATH_MAX: no longer path can be opened).
const maxSourcePath = 4096

// showPath returns path for a message, quoted if it holds characters that
// do not print (see show).
func showPath(path string) string {
	if printable(path) {
		return path
	}
	return strconv.Quote(path)
}

// fileKind names the type of a file that is neither regular nor a
// directory.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "mode " + m.String()
}

// pathErrText is the reason of a path error without the repeated path.
func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
