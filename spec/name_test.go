package spec

import (
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		msg  string // "" for a valid name, else a substring of the error
	}{
		{"quickstart", ""},
		{"c1-gaussian-loss", ""},
		{"a", ""},
		{"0", ""},
		{"v1.2_rc-3", ""},
		{strings.Repeat("a", 63), ""},
		{"", "must not be empty"},
		{strings.Repeat("a", 64), "64 characters long (at most 63)"},
		{"Quickstart", "must start with a lower-case letter or a digit, not 'Q'"},
		{"quickStart", "character 6, 'S', is not allowed (use lower case)"},
		{"quick start", "character 6, a space"},
		{"a/b", "character 2, '/' (a path separator)"},
		{"a\\b", "'\\' (a path separator)"},
		{"..", "must start with a lower-case letter or a digit, not '.'"},
		{"../etc", "not '.'"},
		{"-rf", "not '-'"},
		{"_x", "not '_'"},
		{"a:b", "character 2, ':'"},
		{"a\tb", "a tab"},
		{"a\x00b", "the control character U+0000"},
		{"é", "not 'é'"},
		{"a\xffb", "an invalid UTF-8 byte"},
		{"sweep*", "character 6, '*'"},
	}
	for _, tt := range tests {
		err := CheckName(tt.name)
		switch {
		case tt.msg == "" && err != nil:
			t.Errorf("CheckName(%q) = %v, want nil", tt.name, err)
		case tt.msg != "" && (err == nil || !strings.Contains(err.Error(), tt.msg)):
			t.Errorf("CheckName(%q) = %v, want an error containing %q", tt.name, err, tt.msg)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := paramNames()
	tests := []struct{ word, want string }{
		{"sparisty", "sparsity"}, // a transposition
		{"sparsty", "sparsity"},
		{"rte", "rate"},
		{"dim", "d"}, // an alias
		{"learning_rate", "lr"},
		{"eval-samples", "eval_samples"}, // the command-line flag spelling
		{"Arch", "arch"},
		{"decoder-grad", "decoder_grad"},
		{"optimiser", "optimizer"},
		{"temperature", ""},
		{"x", ""},
		{strings.Repeat("s", 1000), ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.word, names); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}
