package spec

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxNameLen is the longest acceptable sweep name.
const MaxNameLen = 63

// CheckName reports whether name is an acceptable sweep name, and if not,
// why (naming the first offending character and its position).
//
// A name matches [a-z0-9][a-z0-9._-]{0,62}: it becomes part of storage keys
// and Temporal workflow IDs, so it has no path separators, no spaces, no
// upper case and cannot start with a dot or a dash (no "..", no "-flag").
func CheckName(name string) error {
	if name == "" {
		return errors.New("must not be empty")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return fmt.Errorf("is %d characters long (at most %d)", n, MaxNameLen)
	}
	pos := 0
	for i, r := range name {
		pos++
		lowerDigit := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if i == 0 && !lowerDigit {
			return fmt.Errorf("must start with a lower-case letter or a digit, not %s", describeRune(r))
		}
		if lowerDigit || r == '.' || r == '_' || r == '-' {
			continue
		}
		hint := "use only a-z, 0-9, '.', '_' and '-'"
		if r >= 'A' && r <= 'Z' {
			hint = "use lower case"
		}
		return fmt.Errorf("character %d, %s, is not allowed (%s)", pos, describeRune(r), hint)
	}
	return nil
}

// describeRune names r for an error message: 'x', or a name for characters
// that print badly.
func describeRune(r rune) string {
	switch r {
	case ' ':
		return "a space"
	case '\t':
		return "a tab"
	case '/':
		return "'/' (a path separator)"
	case '\\':
		return "'\\' (a path separator)"
	case utf8.RuneError:
		return "an invalid UTF-8 byte"
	}
	if r < 0x20 || r == 0x7f {
		return fmt.Sprintf("the control character %U", r)
	}
	if r > 0x7f {
		// With its code point: a Cyrillic 'а' looks just like a Latin 'a'.
		return fmt.Sprintf("%q (%U)", r, r)
	}
	return fmt.Sprintf("%q", r)
}
