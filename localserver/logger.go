package localserver

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// slogLogger adapts a *slog.Logger to the server's log.Logger.
//
// Panic, DPanic and Fatal are logged as errors and return: the server's own
// zap logger would exit the process on Fatal, which an embedded server must
// not do to its host. (Start checks beforehand what the server would be
// fatal about at start-up: ports, bind addresses.)
//
// Once Stop begins (muted set), nothing more is logged: a server shutting
// down complains at length about its peers going away, which says nothing.
type slogLogger struct {
	l     *slog.Logger
	level slog.Leveler
	muted *atomic.Bool
}

// quietMessages are warnings the server prints on every start that say
// nothing about a local server.
var quietMessages = []string{
	// The frontend HTTP API (and so Nexus over HTTP) is off on purpose.
	"HTTP API port has not been set",
}

var (
	_ log.Logger     = slogLogger{}
	_ log.WithLogger = slogLogger{}
)

func newServerLogger(l *slog.Logger, level slog.Leveler) slogLogger {
	if l == nil {
		l = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if level == nil {
		level = slog.LevelWarn
	}
	return slogLogger{l: l.With("component", "temporal-server"), level: level, muted: new(atomic.Bool)}
}

func (s slogLogger) Debug(msg string, tags ...tag.Tag)  { s.log(slog.LevelDebug, msg, tags) }
func (s slogLogger) Info(msg string, tags ...tag.Tag)   { s.log(slog.LevelInfo, msg, tags) }
func (s slogLogger) Warn(msg string, tags ...tag.Tag)   { s.log(slog.LevelWarn, msg, tags) }
func (s slogLogger) Error(msg string, tags ...tag.Tag)  { s.log(slog.LevelError, msg, tags) }
func (s slogLogger) DPanic(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }
func (s slogLogger) Panic(msg string, tags ...tag.Tag)  { s.log(slog.LevelError, msg, tags) }
func (s slogLogger) Fatal(msg string, tags ...tag.Tag)  { s.log(slog.LevelError, msg, tags) }

func (s slogLogger) With(tags ...tag.Tag) log.Logger {
	if len(tags) == 0 {
		return s
	}
	args := make([]any, len(tags))
	for i, t := range tags {
		args[i] = slog.Any(t.Key(), t.Value())
	}
	return slogLogger{l: s.l.With(args...), level: s.level, muted: s.muted}
}

func (s slogLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	if level < s.level.Level() || s.muted.Load() {
		return
	}
	for _, q := range quietMessages {
		if strings.HasPrefix(msg, q) {
			return
		}
	}
	ctx := context.Background()
	if !s.l.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, len(tags))
	for i, t := range tags {
		attrs[i] = slog.Any(t.Key(), t.Value())
	}
	s.l.LogAttrs(ctx, level, msg, attrs...)
}
