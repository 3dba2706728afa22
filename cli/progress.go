package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/bitsweep/bitsweep/workflows"
)

// progressBar renders sweep progress on a terminal (redrawn in place) or,
// when stderr is not a terminal, as a line whenever the counts change, at
// most every 10 s.
type progressBar struct {
	w     io.Writer
	tty   bool
	last  string
	shown time.Time
}

func newProgressBar(w io.Writer) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, tty: tty}
}

func (b *progressBar) line(p workflows.Progress) string {
	done := p.Computed + p.Reused + p.Failed
	const width = 30
	fill := 0
	if sp := p.Search; sp != nil {
		// A search chooses its points as it goes: the bar counts cells.
		if sp.Cells > 0 {
			fill = min(width, width*sp.CellsDone/sp.Cells)
		}
		return fmt.Sprintf("[%s%s] %d/%d cells searched, %d points (computed %d, reused %d, failed %d, running %d)",
			strings.Repeat("#", fill), strings.Repeat("-", width-fill), sp.CellsDone, sp.Cells, done, p.Computed, p.Reused, p.Failed, p.Running)
	}
	if p.Points > 0 {
		fill = min(width, width*done/p.Points)
	}
	return fmt.Sprintf("[%s%s] %d/%d points (computed %d, reused %d, failed %d, running %d)",
		strings.Repeat("#", fill), strings.Repeat("-", width-fill), done, p.Points, p.Computed, p.Reused, p.Failed, p.Running)
}

func (b *progressBar) show(p workflows.Progress) {
	if p.State == "preparing" {
		return
	}
	l := b.line(p)
	if b.tty {
		fmt.Fprintf(b.w, "\r%s", l)
		b.last = l
		return
	}
	if l != b.last && time.Since(b.shown) >= 10*time.Second {
		fmt.Fprintln(b.w, l)
		b.last, b.shown = l, time.Now()
	}
}

func (b *progressBar) finish(p workflows.Progress) {
	l := b.line(p)
	if b.tty {
		fmt.Fprintf(b.w, "\r%s\n", l)
		return
	}
	if l != b.last {
		fmt.Fprintln(b.w, l)
	}
}
