// Package cli implements the bitsweep command line (the starter binary):
// one function per subcommand, each parsing its own flags. The main package
// in starter/ only calls Main.
package cli
