// Package union implements a read-only storage.Store over several stores,
// so that results written on different machines — each to its own local
// folder or bucket — can be read, and reported on, as one store
// (`starter report --store A --store B`).
//
// Every read looks in the stores in the order given: Get and Stat return
// the first store's object that exists, List merges the stores' keys in
// lexical order and lists a key held by several stores once, with the
// first store's info. Points are content-addressed (the point ID hashes its
// configuration), so a point found in two stores is the same computation,
// and whichever copy is read passes the same checksum test. Objects that
// are not content-addressed (a sweep's manifest and digest) come from the
// first store that has them; a report across stores therefore reads every
// result.json rather than the digests (cli/report.go does so).
//
// Writes (Put, Replace, Delete) return an error wrapping ErrReadOnly and
// change nothing.
package union
