package report

import (
	"io"

	"github.com/parquet-go/parquet-go"
)

// WriteParquet writes rows as one Parquet file with the columns of WriteCSV:
// strings, doubles, int64 (seed as unsigned int64) and booleans; the theory
// columns and gap are optional (null when missing). Compressed with Zstd.
func WriteParquet(w io.Writer, rows []Row) error {
	return parquet.Write(w, rows, parquet.Compression(&parquet.Zstd))
}
