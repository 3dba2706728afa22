package spec

import (
	"os"
	"strings"
	"testing"
)

// codeBlocks returns the fenced code blocks of a markdown text.
func codeBlocks(md string) []string {
	var blocks []string
	parts := strings.Split(md, "```")
	for i := 1; i < len(parts); i += 2 {
		_, body, _ := strings.Cut(parts[i], "\n") // drop the info string
		blocks = append(blocks, body)
	}
	return blocks
}

// TestSchemaDoc keeps SCHEMA.md true: its opening spec has the size it
// claims, and its error sample gives exactly the report shown.
func TestSchemaDoc(t *testing.T) {
	md, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := codeBlocks(string(md))
	s, err := Parse([]byte(blocks[0]), "quickstart.yaml")
	if err != nil {
		t.Fatalf("the opening spec: %v", err)
	}
	if s.Total() != 360 || len(s.Points()) != 320 {
		t.Errorf("the opening spec has %d of %d points, SCHEMA.md says 320 of 360", len(s.Points()), s.Total())
	}
	if p, _ := s.At(2); p.Config.Arch != "denoiser" || p.Config.Seed != 1 {
		t.Errorf("point 2 is %s seed %d, SCHEMA.md says denoiser seed 1", p.Config.Arch, p.Config.Seed)
	}
	var sample, report string
	for i, b := range blocks {
		if strings.HasPrefix(b, "name: quickstart\nfixed:\n  source: bernoulli-gaussian\n  layers: 2") && i+1 < len(blocks) {
			sample, report = b, blocks[i+1]
		}
	}
	if sample == "" {
		t.Fatal("no error sample in SCHEMA.md")
	}
	_, err = Parse([]byte(sample), "quickstart.yaml")
	if err == nil || err.Error() != strings.TrimSpace(report) {
		t.Errorf("the error sample gives\n%v\nSCHEMA.md shows\n%s", err, report)
	}
}
