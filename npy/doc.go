// Package npy reads and writes NumPy .npy files, the format of numpy.save
// and numpy.load (format specification: numpy.lib.format, "NEP 1 — A Simple
// File Format for NumPy Arrays").
//
// # Format
//
// A file is
//
//	"\x93NUMPY" major minor        magic string and format version (1.0, 2.0 or 3.0)
//	HEADER_LEN                     little-endian uint16 (1.0) or uint32 (2.0, 3.0)
//	HEADER                         a Python dict literal, padded with spaces, ending in '\n':
//	                               {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//	data                           product(shape) items of dtype descr, C or Fortran order
//
// # Writing
//
// Write and WriteFile store a C-order array from []float32, []float64,
// []int64, []int32 or []uint8 as '<f4', '<f8', '<i8', '<i4' or '|u1'. As numpy
// does, the header is padded with spaces so that the data starts at a
// multiple of 64 bytes, and the version is 1.0 unless the header needs more
// than 65535 bytes (then 2.0). WriteFile writes a temporary file in the
// target directory and renames it, so a reader never sees a half-written file.
//
// # Reading
//
// Read and ReadFile accept versions 1.0, 2.0 and 3.0; dtypes b1, i1, i2, i4,
// i8, u1, u2, u4, u8, f4 and f8 in either byte order ('<', '>', or '|' for
// one-byte types); C or Fortran order. Data are converted to float64 in C
// order (Fortran-order data are transposed; Array.FortranOrder records what
// the file said). Integers beyond ±2⁵³ lose precision in the conversion.
// Unsupported: structured dtypes, object arrays, float16, complex.
//
// Malformed input — a bad magic string or version, a header that is not the
// expected dict, a negative dimension, a shape whose size overflows or
// exceeds MaxElements, data shorter than the shape needs — is an error, never
// a panic. Memory is allocated only as data actually arrive, so a header that
// claims a huge array costs nothing until the bytes are there (ReadFile also
// checks the file length against the header before reading the data).
package npy
