package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
)

// Checkpoint is the whole state of a run after Step completed steps. The
// random state is implicit: minibatch t is drawn from the stream (seed, t),
// so Step is all a resumed run needs to continue the same sequence.
type Checkpoint struct {
	Version string       `json:"trainer_version"`
	Backend string       `json:"backend"`
	Config  Config       `json:"config"`
	Step    int          `json:"step"`
	OptStep int          `json:"opt_step"`
	Seconds float64      `json:"seconds"`
	Curve   []CurvePoint `json:"curve"`
	State   runState     `json:"state"` // phases of a converged run
	Params  []float32    `json:"-"`
	M, V    []float32    `json:"-"` // Adam moments (empty for SGD)
	// BaseParams are the parameters of the annealed main phase while the
	// probe trains (empty otherwise).
	BaseParams []float32 `json:"-"`
}

// Checkpoint returns a snapshot (copies) of the run's state.
func (t *Trainer) Checkpoint() *Checkpoint {
	m, v, os := t.opt.state()
	st := t.st
	st.Plateaus = append([]int(nil), st.Plateaus...)
	var base []float32
	if st.Base != nil {
		b := *st.Base
		base = append([]float32(nil), b.Params...)
		b.Params = nil
		st.Base = &b
	}
	if st.Escape != nil {
		e := *st.Escape
		st.Escape = &e
	}
	return &Checkpoint{
		State: st, BaseParams: base,
		Version: Version, Backend: Backend(), Config: t.cfg,
		Step: t.step, OptStep: os, Seconds: t.secs,
		Curve:  append([]CurvePoint(nil), t.curve...),
		Params: append([]float32(nil), t.m.params...),
		M:      append([]float32(nil), m...),
		V:      append([]float32(nil), v...),
	}
}

// Resume rebuilds a Trainer from a checkpoint. It returns an error if the
// checkpoint was written by another trainer version or for another config,
// or if its arrays do not fit the model.
func Resume(ck *Checkpoint) (*Trainer, error) {
	if ck.Version != Version {
		return nil, fmt.Errorf("resume: checkpoint from trainer %q, this is %q", ck.Version, Version)
	}
	t, err := New(ck.Config)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	if !reflect.DeepEqual(t.cfg, ck.Config) {
		return nil, fmt.Errorf("resume: checkpoint config does not resolve to itself")
	}
	if len(ck.Params) != len(t.m.params) {
		return nil, fmt.Errorf("resume: checkpoint has %d parameters, model has %d", len(ck.Params), len(t.m.params))
	}
	m, _, _ := t.opt.state()
	if len(ck.M) != len(m) || len(ck.V) != len(m) {
		return nil, fmt.Errorf("resume: checkpoint optimiser state has %d/%d values, want %d", len(ck.M), len(ck.V), len(m))
	}
	if ck.Step < 0 || ck.Step > t.cfg.Steps {
		return nil, fmt.Errorf("resume: checkpoint step %d outside [0, %d]", ck.Step, t.cfg.Steps)
	}
	if ck.State.Base != nil && len(ck.BaseParams) != len(t.m.params) {
		return nil, fmt.Errorf("resume: checkpoint has %d base parameters, model has %d", len(ck.BaseParams), len(t.m.params))
	}
	copy(t.m.params, ck.Params)
	t.st = ck.State
	t.st.Plateaus = append([]int(nil), ck.State.Plateaus...)
	if ck.State.Base != nil {
		b := *ck.State.Base
		b.Params = append([]float32(nil), ck.BaseParams...)
		t.st.Base = &b
	}
	if ck.State.Escape != nil {
		e := *ck.State.Escape
		t.st.Escape = &e
	}
	t.opt.setState(ck.M, ck.V, ck.OptStep)
	t.step, t.secs = ck.Step, ck.Seconds
	t.curve = append([]CurvePoint(nil), ck.Curve...)
	return t, nil
}

var ckMagic = []byte("BITSWEEP-CKPT\x02")

// MarshalBinary encodes the checkpoint: magic, a length-prefixed JSON header,
// the four float32 arrays (little-endian, length-prefixed), and a SHA-256
// of everything before it.
func (c *Checkpoint) MarshalBinary() ([]byte, error) {
	hdr, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode checkpoint header: %w", err)
	}
	var b bytes.Buffer
	b.Write(ckMagic)
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.Write(hdr)
	for _, a := range [][]float32{c.Params, c.M, c.V, c.BaseParams} {
		binary.Write(&b, binary.LittleEndian, uint64(len(a)))
		buf := make([]byte, 4*len(a))
		for i, v := range a {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		b.Write(buf)
	}
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	return b.Bytes(), nil
}

// ErrCorruptCheckpoint is returned (wrapped) for checkpoints that fail to
// decode or whose checksum does not match.
var ErrCorruptCheckpoint = errors.New("corrupt checkpoint")

// UnmarshalBinary decodes MarshalBinary's output, verifying the checksum.
func (c *Checkpoint) UnmarshalBinary(p []byte) error {
	fail := func(what string) error { return fmt.Errorf("%w: %s", ErrCorruptCheckpoint, what) }
	if len(p) < len(ckMagic)+8+sha256.Size || !bytes.Equal(p[:len(ckMagic)], ckMagic) {
		return fail("bad magic or too short")
	}
	body, sum := p[:len(p)-sha256.Size], p[len(p)-sha256.Size:]
	if s := sha256.Sum256(body); !bytes.Equal(s[:], sum) {
		return fail("checksum mismatch")
	}
	r := bytes.NewReader(body[len(ckMagic):])
	readLen := func() (int, error) {
		var n uint64
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return 0, err
		}
		if n > uint64(r.Len()) {
			return 0, io.ErrUnexpectedEOF
		}
		return int(n), nil
	}
	n, err := readLen()
	if err != nil {
		return fail("header length")
	}
	hdr := make([]byte, n)
	io.ReadFull(r, hdr)
	var out Checkpoint
	if err := json.Unmarshal(hdr, &out); err != nil {
		return fail("header: " + err.Error())
	}
	for _, dst := range []*[]float32{&out.Params, &out.M, &out.V, &out.BaseParams} {
		n, err := readLen()
		if err != nil || 4*n > r.Len() {
			return fail("array length")
		}
		a := make([]float32, n)
		buf := make([]byte, 4*n)
		io.ReadFull(r, buf)
		for i := range a {
			a[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		*dst = a
	}
	*c = out
	return nil
}
