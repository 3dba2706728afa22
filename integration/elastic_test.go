package integration

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pointEvent is a "point started" or "point trained" line of a worker's log.
type pointEvent struct {
	at      time.Time
	worker  string
	started bool // else trained
	point   string
}

var pointLine = regexp.MustCompile(`^time=(\S+) level=INFO msg="point (started|trained)".* point=([0-9a-f]+)`)

// pointEvents parses the point lines of the workers' logs, in time order.
func pointEvents(t *testing.T, workers map[string]*proc) []pointEvent {
	t.Helper()
	var evs []pointEvent
	for name, p := range workers {
		for _, line := range strings.Split(p.output(), "\n") {
			m := pointLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			at, err := time.Parse(time.RFC3339Nano, m[1])
			if err != nil {
				t.Fatalf("worker %s: time in %q: %v", name, line, err)
			}
			evs = append(evs, pointEvent{at: at, worker: name, started: m[2] == "started", point: m[3]})
		}
	}
	slices.SortStableFunc(evs, func(a, b pointEvent) int { return a.at.Compare(b.at) })
	return evs
}

// busy replays the events and returns, at each event, the points running
// per worker (a start without its end, e.g. on a worker that left, runs
// until that worker's last event).
func busy(evs []pointEvent, fn func(e pointEvent, running map[string]int)) {
	running := map[string]int{}
	open := map[string]string{} // point → worker running it
	for _, e := range evs {
		if e.started {
			if w, ok := open[e.point]; ok {
				running[w]-- // a retry elsewhere: the old attempt is over
			}
			open[e.point] = e.worker
			running[e.worker]++
		} else if w, ok := open[e.point]; ok {
			delete(open, e.point)
			running[w]--
		}
		fn(e, running)
	}
}

// trainedBetween counts the points trained in [from, to) and returns them
// per minute.
func trainedBetween(evs []pointEvent, from, to time.Time) (int, float64) {
	n := 0
	for _, e := range evs {
		if !e.started && !e.at.Before(from) && e.at.Before(to) {
			n++
		}
	}
	return n, float64(n) / to.Sub(from).Minutes()
}

// fakeSweep starts a server and writes the spec of a sweep name of points
// fake points that hold a slot for pointTime each; it returns the workers'
// environment, the store and the spec's path.
func fakeSweep(t *testing.T, name string, points int, pointTime string) (env []string, store, spec string) {
	t.Helper()
	addr := server(t)
	dir := t.TempDir()
	store = filepath.Join(dir, "store")
	env = []string{"TEMPORAL_ADDRESS=" + addr, "BITSWEEP_STORE=" + store, "BITSWEEP_TRAINER=fake", "BITSWEEP_FAKE_POINT_TIME=" + pointTime}
	spec = writeSpec(t, dir, fmt.Sprintf(`
name: %s
fixed: {source: gaussian, d: 16, rate: 1, steps: 10, until: fixed}
grid:
  batch: {from: 1, to: %d, step: 1}
`, name, points))
	return env, store, spec
}

func countTrained(p *proc) int { return strings.Count(p.output(), `msg="point trained"`) }

// TestWorkersJoinAndLeave: a sweep submitted with the default window starts
// on one worker (2 slots); two more join mid-sweep and, without anything
// resubmitted, all three train at once within seconds (from the workers'
// logs); one of them leaves (SIGTERM) and its points go elsewhere at once;
// every point ends with exactly one result. Each point holds a slot for
// 400 ms (the fake trainer), so throughput is set by the slots: 2 before the
// join, 6 after.
func TestWorkersJoinAndLeave(t *testing.T) {
	const points = 240
	env, store, spec := fakeSweep(t, "elastic", points, "400ms")
	a := start(t, env, "worker", "--concurrency", "2")
	run := start(t, env, "starter", "run", spec, "--no-report")
	waitFor(t, 3*time.Minute, "24 points on worker a", func() bool { return countTrained(a) >= 24 }, a, run)
	join := time.Now()
	b := start(t, env, "worker", "--concurrency", "2")
	c := start(t, env, "worker", "--concurrency", "2")
	workers := map[string]*proc{"a": a, "b": b, "c": c}
	waitFor(t, 2*time.Minute, "points on workers b and c", func() bool { return countTrained(b) >= 25 && countTrained(c) >= 25 }, a, b, c, run)
	leave := time.Now()
	b.cmd.Process.Signal(syscall.SIGTERM)
	if err := b.wait(t, time.Minute); err != nil {
		t.Logf("worker b after SIGTERM: %v", err)
	}
	if err := run.wait(t, 5*time.Minute); err != nil {
		t.Fatalf("run: %v", err)
	}
	sum := summary(t, run.output())
	if sum["points"] != points || sum["computed"] != points || sum["failed"] != 0 {
		t.Fatalf("summary %v, want %d computed, none failed", sum, points)
	}
	if n := len(resultFiles(t, store)); n != points {
		t.Errorf("%d result.json files, want %d", n, points)
	}

	evs := pointEvents(t, workers)
	// Exactly one result per point: one "point trained" line each.
	trained := map[string]int{}
	for _, e := range evs {
		if !e.started {
			trained[e.point]++
		}
	}
	for p, n := range trained {
		if n != 1 {
			t.Errorf("point %s trained %d times, want once", p, n)
		}
	}
	if len(trained) != points {
		t.Errorf("%d points trained in the logs, want %d", len(trained), points)
	}
	// The first moment after the join when all three train at once.
	var all3 time.Time
	maxBefore := 0
	busy(evs, func(e pointEvent, running map[string]int) {
		n := 0
		for _, w := range []string{"a", "b", "c"} {
			if running[w] > 0 {
				n++
			}
		}
		if e.at.Before(join) {
			maxBefore = max(maxBefore, running["a"])
		}
		if n == 3 && all3.IsZero() {
			all3 = e.at
		}
	})
	if all3.IsZero() {
		t.Fatalf("the three workers never trained at the same time (window too small for the joined slots?)")
	}
	// Starting a worker process and its first poll take about a second;
	// a minute would mean the new workers waited for a new chunk or a
	// resubmission, which is what this test rules out.
	if d := all3.Sub(join); d > time.Minute {
		t.Errorf("all three workers trained at once only %v after the join", d)
	}
	if maxBefore != 2 {
		t.Errorf("before the join worker a ran at most %d points at once, want its 2 slots", maxBefore)
	}
	// Worker b's points after SIGTERM: taken over by a and c (trained
	// there), none lost (checked above).
	var handedOver int
	for _, e := range evs {
		if e.started && e.worker != "b" && !e.at.Before(leave) {
			for _, f := range evs {
				if f.started && f.worker == "b" && f.point == e.point && f.at.Before(leave) {
					handedOver++
				}
			}
		}
	}
	first, last := evs[0].at, evs[len(evs)-1].at
	nb, before := trainedBetween(evs, first, join)
	na, after := trainedBetween(evs, all3, leave)
	nl, left := trainedBetween(evs, leave, last.Add(time.Millisecond))
	t.Logf("one worker: %d points in %v, %.0f points/min; three workers: %d points in %v, %.0f points/min (%.1f×); two after one left: %d points in %v, %.0f points/min; all three busy %v after the join; %d points of the leaving worker retried elsewhere",
		nb, join.Sub(first).Round(time.Millisecond), before, na, leave.Sub(all3).Round(time.Millisecond), after, after/before,
		nl, last.Sub(leave).Round(time.Millisecond), left, all3.Sub(join).Round(time.Millisecond), handedOver)
	if after < 2*before {
		t.Errorf("throughput %.0f points/min with three workers, %.0f with one: want at least twice (6 slots against 2)", after, before)
	}
}

// TestScaleRunningSweep: a sweep submitted with --window 2 on three workers
// of 2 slots trains 2 points at a time; `starter scale NAME --window 6`
// raises it on the running sweep and the six slots fill; status shows the
// new window; bad values are refused with the value named.
func TestScaleRunningSweep(t *testing.T) {
	const points = 150
	env, _, spec := fakeSweep(t, "scaled", points, "300ms")
	workers := map[string]*proc{}
	for _, w := range []string{"a", "b", "c"} {
		workers[w] = start(t, env, "worker", "--concurrency", "2")
	}
	st := start(t, env, "starter", "start", spec, "--window", "2", "--no-report")
	if err := st.wait(t, time.Minute); err != nil {
		t.Fatalf("start: %v", err)
	}
	total := func() int {
		n := 0
		for _, p := range workers {
			n += countTrained(p)
		}
		return n
	}
	waitFor(t, 2*time.Minute, "20 points trained", func() bool { return total() >= 20 }, workers["a"], workers["b"], workers["c"])

	bad := start(t, env, "starter", "scale", "scaled", "--window", "0")
	if err := bad.wait(t, time.Minute); err == nil || !strings.Contains(bad.output(), "--window 0: must be between 1 and 2000") {
		t.Errorf("scale --window 0: %v, output %q; want a usage error naming the value", err, bad.output())
	}
	scaled := time.Now()
	sc := start(t, env, "starter", "scale", "scaled", "--window", "6")
	if err := sc.wait(t, time.Minute); err != nil {
		t.Fatalf("scale: %v\n%s", err, sc.output())
	}
	if !strings.Contains(sc.output(), "sweep scaled: window 2 → 6") {
		t.Errorf("scale output %q, want the old and the new window", sc.output())
	}
	status := start(t, env, "starter", "status", "scaled")
	if err := status.wait(t, time.Minute); err != nil || !strings.Contains(status.output(), "window 6 points in flight") {
		t.Errorf("status after scale: %v, %q; want window 6", err, status.output())
	}
	// Attach to the running sweep (same workflow ID) and follow it.
	run := start(t, env, "starter", "run", spec, "--no-report")
	if err := run.wait(t, 5*time.Minute); err != nil {
		t.Fatalf("run: %v", err)
	}
	if sum := summary(t, run.output()); sum["computed"] != points || sum["failed"] != 0 {
		t.Fatalf("summary %v, want %d computed", sum, points)
	}
	maxBefore, maxAfter := 0, 0
	busy(pointEvents(t, workers), func(e pointEvent, running map[string]int) {
		n := running["a"] + running["b"] + running["c"]
		if e.at.Before(scaled) {
			maxBefore = max(maxBefore, n)
		} else {
			maxAfter = max(maxAfter, n)
		}
	})
	if maxBefore > 2 || maxBefore == 0 {
		t.Errorf("before scale at most %d points ran at once, want 1..2 (--window 2)", maxBefore)
	}
	if maxAfter != 6 {
		t.Errorf("after scale at most %d points ran at once, want 6 (window 6, 3 × 2 slots)", maxAfter)
	}
	t.Logf("points in flight: at most %d at window 2, %d after starter scale --window 6", maxBefore, maxAfter)
}
