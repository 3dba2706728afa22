// Command starter is the bitsweep command line: it trains single points,
// and launches, follows, resumes and reports sweeps. Run it with no
// arguments for the list of commands.
package main

import (
	"os"

	"github.com/bitsweep/bitsweep/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
