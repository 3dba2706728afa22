package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// The repository root, seen from this package's folder (go test's working
// directory).
const root = ".."

// runtimeEnv are environment variables that the deployments set and that
// something other than bitsweep's own Go code reads: OpenBLAS and the Go
// runtime.
var runtimeEnv = map[string]bool{
	"OPENBLAS_NUM_THREADS": true, // OpenBLAS's thread count
	"GOMAXPROCS":           true, // Go runtime
	"GOMEMLIMIT":           true, // Go runtime
	"GODEBUG":              true, // Go runtime
}

// secretName matches variable names whose values are secrets.
var secretName = regexp.MustCompile(`(?i)(PASSWORD|PASSWD|_PWD$|SECRET|TOKEN|ACCESS_KEY|API_KEY$)`)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// yamlDocs returns the non-empty documents of a YAML file.
func yamlDocs(t *testing.T, path string) []*yaml.Node {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(read(t, path)))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(n.Content) > 0 && n.Content[0].Kind != yaml.ScalarNode {
			docs = append(docs, &n)
		}
	}
}

func yamlFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestYAMLParses parses every YAML file under deploy/.
func TestYAMLParses(t *testing.T) {
	files := yamlFiles(t, ".")
	if len(files) < 5 {
		t.Fatalf("only %d YAML files under deploy/: %v", len(files), files)
	}
	for _, f := range files {
		if docs := yamlDocs(t, f); len(docs) == 0 {
			t.Errorf("%s: no YAML document", f)
		}
	}
}

// --- what the Go code reads -------------------------------------------------------

var (
	upperLit   = regexp.MustCompile(`"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"`)
	goEnvDirs  = []string{"cli", "worker", "starter", "storage", "activities", "workflows", "openblas", "train"}
	goEnvCache map[string]bool
)

// goEnv returns the environment variable names bitsweep's Go code reads:
// the upper-case string literals with an underscore in the non-test sources
// of the packages that read the environment (cli, worker, starter, storage, openblas, train
// and its backends, activities, workflows).
func goEnv(t *testing.T) map[string]bool {
	t.Helper()
	if goEnvCache != nil {
		return goEnvCache
	}
	names := map[string]bool{}
	for _, d := range goEnvDirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			for _, m := range upperLit.FindAllStringSubmatch(read(t, path), -1) {
				names[m[1]] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, must := range []string{"TEMPORAL_ADDRESS", "BITSWEEP_STORE", "BITSWEEP_TASK_QUEUE", "AWS_ACCESS_KEY_ID"} {
		if !names[must] {
			t.Fatalf("the Go sources no longer read %s (or this scan is broken): %v", must, names)
		}
	}
	goEnvCache = names
	return names
}

// checkEnvName fails unless name is read by the Go code or the runtime.
func checkEnvName(t *testing.T, where, name string) {
	t.Helper()
	if !goEnv(t)[name] && !runtimeEnv[name] {
		t.Errorf("%s: environment variable %s is read neither by bitsweep's Go code (%v) nor by OpenBLAS or the Go runtime",
			where, name, goEnvDirs)
	}
}

// workerStopTimeout is the graceful-stop timeout of the worker, read from
// workflows.NewWorker.
func workerStopTimeout(t *testing.T) time.Duration {
	t.Helper()
	src := read(t, filepath.Join(root, "workflows", "register.go"))
	m := regexp.MustCompile(`WorkerStopTimeout:\s*(\d+)\s*\*\s*time\.Second`).FindStringSubmatch(src)
	if m == nil {
		t.Fatal("workflows/register.go: no WorkerStopTimeout: N * time.Second; update this test and the grace periods of deploy/")
	}
	n, _ := strconv.Atoi(m[1])
	return time.Duration(n) * time.Second
}

// minGrace is the least grace period for a worker: the graceful stop plus
// time for the last store writes and the client's shutdown.
func minGrace(t *testing.T) time.Duration { return workerStopTimeout(t) + 15*time.Second }

// readyCheckTimeout is how long a readiness check of the worker may take,
// read from telemetry.DefaultCheckTimeout.
func readyCheckTimeout(t *testing.T) time.Duration {
	t.Helper()
	src := read(t, filepath.Join(root, "telemetry", "ready.go"))
	m := regexp.MustCompile(`DefaultCheckTimeout\s*=\s*(\d+)\s*\*\s*time\.Second`).FindStringSubmatch(src)
	if m == nil {
		t.Fatal("telemetry/ready.go: no DefaultCheckTimeout = N * time.Second; update this test and the probes of deploy/k8s")
	}
	n, _ := strconv.Atoi(m[1])
	return time.Duration(n) * time.Second
}

// metricsPort is the port of a BITSWEEP_METRICS_ADDR value (":9090",
// "0.0.0.0:9090"); the address must not be a loopback one, which nothing
// outside the container could reach.
func metricsPort(t *testing.T, where, addr string) int {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n <= 0 {
		t.Errorf("%s: BITSWEEP_METRICS_ADDR=%q is not host:port with a port", where, addr)
		return 0
	}
	if host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1" {
		t.Errorf("%s: BITSWEEP_METRICS_ADDR=%q binds loopback: probes and Prometheus cannot reach it", where, addr)
	}
	return n
}

// --- the Dockerfile ------------------------------------------------------------------

type dockerfile struct {
	text     string
	binaries map[string]bool // absolute paths installed in the runtime image
	uid      int
}

func parseDockerfile(t *testing.T) dockerfile {
	t.Helper()
	text := read(t, "Dockerfile")
	d := dockerfile{text: text, binaries: map[string]bool{}}
	// COPY --from=build /out/a /out/b /usr/local/bin/
	for _, m := range regexp.MustCompile(`(?m)^COPY --from=\S+ ((?:\S+ )+)(/\S+/)$`).FindAllStringSubmatch(text, -1) {
		for _, src := range strings.Fields(m[1]) {
			d.binaries[m[2]+filepath.Base(src)] = true
		}
	}
	m := regexp.MustCompile(`(?m)^USER (\d+)(?::(\d+))?$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("Dockerfile: no numeric USER uid[:gid] (the k8s manifests need the uid for runAsNonRoot)")
	}
	d.uid, _ = strconv.Atoi(m[1])
	return d
}

func TestDockerfile(t *testing.T) {
	d := parseDockerfile(t)
	if d.uid == 0 {
		t.Error("Dockerfile: runs as root")
	}
	gomod := read(t, filepath.Join(root, "go.mod"))
	gm := regexp.MustCompile(`(?m)^go (\d+)\.(\d+)`).FindStringSubmatch(gomod)
	dm := regexp.MustCompile(`(?m)^ARG GO_VERSION=(\d+)\.(\d+)`).FindStringSubmatch(d.text)
	if gm == nil || dm == nil {
		t.Fatalf("no go line in go.mod (%v) or ARG GO_VERSION in the Dockerfile (%v)", gm, dm)
	}
	if gm[1] != dm[1] || gm[2] != dm[2] {
		t.Errorf("Dockerfile GO_VERSION %s.%s, go.mod wants go %s.%s", dm[1], dm[2], gm[1], gm[2])
	}
	for _, want := range []string{
		"FROM golang:${GO_VERSION}-${DEBIAN_RELEASE} AS build",
		"FROM debian:${DEBIAN_RELEASE}-slim",
		"ARG DEBIAN_RELEASE=bookworm",
		"libopenblas0",
		"CGO_ENABLED=0",
		"go build -trimpath",
		"./worker",
		"./starter",
	} {
		if !strings.Contains(d.text, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	for _, b := range []string{"/usr/local/bin/bitsweep-worker", "/usr/local/bin/bitsweep"} {
		if !d.binaries[b] {
			t.Errorf("Dockerfile does not install %s (installs %v)", b, d.binaries)
		}
	}
	// ENV: only variables something reads; the metrics port is exposed.
	env := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^ENV ((?:.*\\\n)*.*)$`).FindAllStringSubmatch(d.text, -1) {
		for _, kv := range strings.Fields(strings.ReplaceAll(m[1], "\\\n", " ")) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				t.Errorf("Dockerfile: ENV %q is not KEY=VALUE", kv)
				continue
			}
			env[k] = v
			if !(k == "CGO_ENABLED" || k == "GOTOOLCHAIN" || k == "GOFLAGS") { // the build stage's, read by go build
				checkEnvName(t, "Dockerfile", k)
			}
		}
	}
	if a, ok := env["BITSWEEP_METRICS_ADDR"]; !ok {
		t.Error("Dockerfile: no ENV BITSWEEP_METRICS_ADDR: containers should serve the worker's probes and metrics by default")
	} else if p := metricsPort(t, "Dockerfile", a); !regexp.MustCompile(fmt.Sprintf(`(?m)^EXPOSE %d$`, p)).MatchString(d.text) {
		t.Errorf("Dockerfile: BITSWEEP_METRICS_ADDR=%s but no EXPOSE %d", a, p)
	}

	m := regexp.MustCompile(`(?m)^ENTRYPOINT \["([^"]+)"`).FindStringSubmatch(d.text)
	if m == nil || !d.binaries[m[1]] {
		t.Errorf("Dockerfile: ENTRYPOINT must be exec form naming an installed binary (PID 1 gets SIGTERM): %v", m)
	}
	ignore := read(t, "Dockerfile.dockerignore")
	for _, want := range []string{"deploy/.env", ".git"} {
		if !slices.Contains(strings.Fields(ignore), want) {
			t.Errorf("Dockerfile.dockerignore does not exclude %s", want)
		}
	}
}

// --- Kubernetes -----------------------------------------------------------------------

type meta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type header struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   meta   `yaml:"metadata"`
}

type envVar struct {
	Name      string  `yaml:"name"`
	Value     *string `yaml:"value"`
	ValueFrom *struct {
		SecretKeyRef *struct {
			Name string `yaml:"name"`
			Key  string `yaml:"key"`
		} `yaml:"secretKeyRef"`
		ConfigMapKeyRef *struct {
			Name string `yaml:"name"`
			Key  string `yaml:"key"`
		} `yaml:"configMapKeyRef"`
		ResourceFieldRef *struct {
			ContainerName string `yaml:"containerName"`
			Resource      string `yaml:"resource"`
		} `yaml:"resourceFieldRef"`
		FieldRef *struct {
			FieldPath string `yaml:"fieldPath"`
		} `yaml:"fieldRef"`
	} `yaml:"valueFrom"`
}

type container struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Env     []envVar `yaml:"env"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	VolumeMounts []struct {
		Name string `yaml:"name"`
	} `yaml:"volumeMounts"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	LivenessProbe  *probe `yaml:"livenessProbe"`
	ReadinessProbe *probe `yaml:"readinessProbe"`
}

type probe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"` // a number or a port name
	} `yaml:"httpGet"`
	TimeoutSeconds int `yaml:"timeoutSeconds"`
}

type deployment struct {
	header `yaml:",inline"`
	Spec   struct {
		Replicas *int `yaml:"replicas"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata meta `yaml:"metadata"`
			Spec     struct {
				TerminationGracePeriodSeconds *int `yaml:"terminationGracePeriodSeconds"`
				SecurityContext               struct {
					RunAsNonRoot *bool `yaml:"runAsNonRoot"`
					RunAsUser    *int  `yaml:"runAsUser"`
				} `yaml:"securityContext"`
				Containers []container `yaml:"containers"`
				Volumes    []struct {
					Name string `yaml:"name"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type configMap struct {
	header `yaml:",inline"`
	Data   map[string]string `yaml:"data"`
}

type hpa struct {
	header `yaml:",inline"`
	Spec   struct {
		ScaleTargetRef struct {
			Kind string `yaml:"kind"`
			Name string `yaml:"name"`
		} `yaml:"scaleTargetRef"`
		MinReplicas *int `yaml:"minReplicas"`
		MaxReplicas int  `yaml:"maxReplicas"`
	} `yaml:"spec"`
}

type pdb struct {
	header `yaml:",inline"`
	Spec   struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
	} `yaml:"spec"`
}

type kustomization struct {
	Namespace string   `yaml:"namespace"`
	Resources []string `yaml:"resources"`
	Images    []struct {
		Name    string `yaml:"name"`
		NewName string `yaml:"newName"`
		NewTag  string `yaml:"newTag"`
	} `yaml:"images"`
}

type k8sManifests struct {
	deployments []deployment
	configMaps  map[string]configMap
	hpas        []hpa
	pdbs        []pdb
	kinds       map[string][]string // kind -> names
	files       []string
}

func loadK8s(t *testing.T) k8sManifests {
	t.Helper()
	m := k8sManifests{configMaps: map[string]configMap{}, kinds: map[string][]string{}}
	for _, f := range yamlFiles(t, "k8s") {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		m.files = append(m.files, f)
		for _, doc := range yamlDocs(t, f) {
			var h header
			if err := doc.Decode(&h); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if h.Kind == "" || h.APIVersion == "" || h.Metadata.Name == "" {
				t.Errorf("%s: a document without kind, apiVersion or metadata.name", f)
			}
			m.kinds[h.Kind] = append(m.kinds[h.Kind], h.Metadata.Name)
			var err error
			switch h.Kind {
			case "Deployment":
				var d deployment
				err = doc.Decode(&d)
				m.deployments = append(m.deployments, d)
			case "ConfigMap":
				var c configMap
				err = doc.Decode(&c)
				m.configMaps[c.Metadata.Name] = c
			case "HorizontalPodAutoscaler":
				var h hpa
				err = doc.Decode(&h)
				m.hpas = append(m.hpas, h)
			case "PodDisruptionBudget":
				var p pdb
				err = doc.Decode(&p)
				m.pdbs = append(m.pdbs, p)
			case "Secret":
				t.Errorf("%s: Secret %s: the manifests must only reference secrets, never hold them", f, h.Metadata.Name)
			}
			if err != nil {
				t.Fatalf("%s: %s %s: %v", f, h.Kind, h.Metadata.Name, err)
			}
		}
	}
	if len(m.deployments) < 2 {
		t.Fatalf("want a worker Deployment per resource class (at least 2), have %d", len(m.deployments))
	}
	return m
}

// milliCPU parses a CPU quantity ("1", "4", "500m").
func milliCPU(q string) (int64, error) {
	if s, ok := strings.CutSuffix(q, "m"); ok {
		return strconv.ParseInt(s, 10, 64)
	}
	f, err := strconv.ParseFloat(q, 64)
	return int64(f * 1000), err
}

// bytesOf parses a memory quantity ("512Mi", "2Gi", "1G", "1000").
func bytesOf(q string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}}
	for _, u := range units {
		if s, ok := strings.CutSuffix(q, u.suffix); ok {
			n, err := strconv.ParseInt(s, 10, 64)
			return n * u.mult, err
		}
	}
	return strconv.ParseInt(q, 10, 64)
}

func TestKubernetesWorkers(t *testing.T) {
	m := loadK8s(t)
	df := parseDockerfile(t)
	var k kustomization
	if err := yaml.Unmarshal([]byte(read(t, "k8s/kustomization.yaml")), &k); err != nil {
		t.Fatal(err)
	}
	images := map[string]bool{}
	for _, im := range k.Images {
		images[im.Name] = true
	}
	queues := map[string]string{}
	secrets := map[string]bool{}
	readme := read(t, "README.md")
	for _, d := range m.deployments {
		name := "Deployment " + d.Metadata.Name
		ps := d.Spec.Template.Spec
		for k, v := range d.Spec.Selector.MatchLabels {
			if d.Spec.Template.Metadata.Labels[k] != v {
				t.Errorf("%s: selector %s=%s does not match the pod labels", name, k, v)
			}
		}
		grace := time.Duration(0)
		if g := ps.TerminationGracePeriodSeconds; g != nil {
			grace = time.Duration(*g) * time.Second
		}
		if grace < minGrace(t) {
			t.Errorf("%s: terminationGracePeriodSeconds %v, want at least %v (the worker's graceful stop of %v, plus the last writes)",
				name, grace, minGrace(t), workerStopTimeout(t))
		}
		if sc := ps.SecurityContext; sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != df.uid {
			t.Errorf("%s: want runAsNonRoot: true and runAsUser: %d (the Dockerfile's USER)", name, df.uid)
		}
		if len(ps.Containers) != 1 {
			t.Fatalf("%s: want one container, have %d", name, len(ps.Containers))
		}
		c := ps.Containers[0]
		if !images[c.Image] {
			t.Errorf("%s: image %q is not one that kustomization.yaml sets (images: %v)", name, c.Image, k.Images)
		}
		if len(c.Command) > 0 && !df.binaries[c.Command[0]] {
			t.Errorf("%s: command %s is not a binary of the Dockerfile (%v)", name, c.Command[0], df.binaries)
		}
		volumes := map[string]bool{}
		for _, v := range ps.Volumes {
			volumes[v.Name] = true
		}
		for _, vm := range c.VolumeMounts {
			if !volumes[vm.Name] {
				t.Errorf("%s: volumeMount %s has no volume", name, vm.Name)
			}
		}

		// Resources: requests and limits for CPU and memory, requests <= limits.
		for _, r := range []string{"cpu", "memory"} {
			req, lim := c.Resources.Requests[r], c.Resources.Limits[r]
			if req == "" || lim == "" {
				t.Errorf("%s: resources.requests.%s and resources.limits.%s are required (have %q, %q)", name, r, r, req, lim)
				continue
			}
			parse := bytesOf
			if r == "cpu" {
				parse = milliCPU
			}
			a, err1 := parse(req)
			b, err2 := parse(lim)
			if err1 != nil || err2 != nil || a > b || a <= 0 {
				t.Errorf("%s: %s request %s, limit %s: want 0 < request <= limit", name, r, req, lim)
			}
		}

		// Environment.
		env := map[string]envVar{}
		for _, e := range c.Env {
			if _, dup := env[e.Name]; dup {
				t.Errorf("%s: env %s twice", name, e.Name)
			}
			env[e.Name] = e
			checkEnvName(t, name, e.Name)
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				secrets[e.ValueFrom.SecretKeyRef.Name] = true
			}
			if secretName.MatchString(e.Name) && (e.Value != nil || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
				t.Errorf("%s: %s must come from a secretKeyRef, not a literal value", name, e.Name)
			}
			if e.Value == nil && e.ValueFrom == nil {
				t.Errorf("%s: env %s has neither value nor valueFrom", name, e.Name)
			}
		}
		for _, ef := range c.EnvFrom {
			switch {
			case ef.ConfigMapRef != nil:
				cm, ok := m.configMaps[ef.ConfigMapRef.Name]
				if !ok {
					t.Errorf("%s: envFrom ConfigMap %s is not in the manifests", name, ef.ConfigMapRef.Name)
				}
				for key := range cm.Data {
					if _, dup := env[key]; dup {
						t.Errorf("%s: %s both in env and in ConfigMap %s", name, key, cm.Metadata.Name)
					}
				}
			case ef.SecretRef != nil:
				t.Errorf("%s: envFrom secretRef %s: name each secret variable with a secretKeyRef, so that the names can be checked", name, ef.SecretRef.Name)
			}
		}
		q := env["BITSWEEP_TASK_QUEUE"]
		if q.Value == nil || *q.Value == "" {
			t.Errorf("%s: no literal BITSWEEP_TASK_QUEUE (each resource class has its own queue)", name)
		} else {
			if other, dup := queues[*q.Value]; dup {
				t.Errorf("%s and %s share task queue %s", name, other, *q.Value)
			}
			queues[*q.Value] = name
			if !strings.Contains(readme, *q.Value) {
				t.Errorf("README.md does not mention task queue %s", *q.Value)
			}
		}
		// OpenBLAS threads x points at once = the CPUs the pod gets.
		cpu, _ := milliCPU(c.Resources.Requests["cpu"])
		threads, concurrency := -1, -1
		if v := env["OPENBLAS_NUM_THREADS"].Value; v != nil {
			threads, _ = strconv.Atoi(*v)
		}
		if v := env["BITSWEEP_CONCURRENCY"].Value; v != nil {
			concurrency, _ = strconv.Atoi(*v)
		}
		if threads < 1 || concurrency < 1 || int64(threads*concurrency)*1000 != cpu {
			t.Errorf("%s: OPENBLAS_NUM_THREADS %d x BITSWEEP_CONCURRENCY %d must equal the CPU request %s",
				name, threads, concurrency, c.Resources.Requests["cpu"])
		}
		if c.Resources.Limits["cpu"] != c.Resources.Requests["cpu"] {
			t.Errorf("%s: CPU limit %s != request %s: the BLAS threads are sized for the request", name, c.Resources.Limits["cpu"], c.Resources.Requests["cpu"])
		}

		// Health and metrics: the port of BITSWEEP_METRICS_ADDR is the
		// container port named metrics, the probes' and Prometheus's.
		addr := env["BITSWEEP_METRICS_ADDR"].Value
		if addr == nil {
			t.Errorf("%s: no literal BITSWEEP_METRICS_ADDR (the probes need the endpoint)", name)
			continue
		}
		port := metricsPort(t, name, *addr)
		named := 0
		for _, p := range c.Ports {
			if p.Name == "metrics" {
				named = p.ContainerPort
			}
		}
		if named != port {
			t.Errorf("%s: container port named metrics is %d, BITSWEEP_METRICS_ADDR's port %d", name, named, port)
		}
		for _, pr := range []struct {
			what, path string
			p          *probe
		}{{"livenessProbe", "/healthz", c.LivenessProbe}, {"readinessProbe", "/readyz", c.ReadinessProbe}} {
			if pr.p == nil || pr.p.HTTPGet == nil {
				t.Errorf("%s: no %s.httpGet", name, pr.what)
				continue
			}
			if pr.p.HTTPGet.Path != pr.path || (fmt.Sprint(pr.p.HTTPGet.Port) != "metrics" && fmt.Sprint(pr.p.HTTPGet.Port) != strconv.Itoa(port)) {
				t.Errorf("%s: %s gets %s on port %v, want %s on the metrics port", name, pr.what, pr.p.HTTPGet.Path, pr.p.HTTPGet.Port, pr.path)
			}
			if time.Duration(pr.p.TimeoutSeconds)*time.Second <= readyCheckTimeout(t) {
				t.Errorf("%s: %s timeoutSeconds %d, want more than the readiness checks' %v", name, pr.what, pr.p.TimeoutSeconds, readyCheckTimeout(t))
			}
		}
		ann := d.Spec.Template.Metadata.Annotations
		if ann["prometheus.io/scrape"] != "true" || ann["prometheus.io/port"] != strconv.Itoa(port) || ann["prometheus.io/path"] != "/metrics" {
			t.Errorf("%s: pod annotations %v, want prometheus.io/scrape \"true\", port %d, path /metrics", name, ann, port)
		}
	}
	if len(queues) < 2 {
		t.Errorf("want at least two resource classes with their own task queues, have %v", queues)
	}
	for s := range secrets {
		if !strings.Contains(readme, "create secret generic "+s) {
			t.Errorf("README.md does not tell how to create the Secret %s", s)
		}
	}

	// ConfigMaps: only variables the worker reads, well-formed values.
	for _, cm := range m.configMaps {
		for key, v := range cm.Data {
			checkEnvName(t, "ConfigMap "+cm.Metadata.Name, key)
			if secretName.MatchString(key) {
				t.Errorf("ConfigMap %s: %s is a secret; use the Secret", cm.Metadata.Name, key)
			}
			if strings.HasSuffix(key, "_INTERVAL") {
				if d, err := time.ParseDuration(v); err != nil || d <= 0 {
					// cli.CheckpointInterval ignores what it cannot parse.
					t.Errorf("ConfigMap %s: %s=%q is not a positive Go duration", cm.Metadata.Name, key, v)
				}
			}
		}
	}

	// Autoscalers and disruption budgets point at the Deployments.
	deps := map[string]deployment{}
	for _, d := range m.deployments {
		deps[d.Metadata.Name] = d
	}
	scaled := map[string]bool{}
	for _, h := range m.hpas {
		d, ok := deps[h.Spec.ScaleTargetRef.Name]
		if h.Spec.ScaleTargetRef.Kind != "Deployment" || !ok {
			t.Errorf("HPA %s: target %v is not a Deployment of the manifests", h.Metadata.Name, h.Spec.ScaleTargetRef)
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 1 || h.Spec.MaxReplicas < *h.Spec.MinReplicas {
			t.Errorf("HPA %s: bad replica range", h.Metadata.Name)
		}
		if d.Spec.Replicas != nil {
			t.Errorf("Deployment %s sets replicas although HPA %s owns them (kubectl apply would reset the scale)", d.Metadata.Name, h.Metadata.Name)
		}
		scaled[d.Metadata.Name] = true
	}
	for name := range deps {
		if !scaled[name] && !strings.Contains(readme, "scale deployment/"+name) {
			t.Errorf("Deployment %s has neither an HPA nor a documented kubectl scale", name)
		}
	}
	for _, p := range m.pdbs {
		n := 0
		for _, d := range m.deployments {
			if matches(p.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("PodDisruptionBudget %s selects the pods of %d Deployments, want 1", p.Metadata.Name, n)
		}
	}
}

func matches(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestKustomization(t *testing.T) {
	var k kustomization
	if err := yaml.Unmarshal([]byte(read(t, "k8s/kustomization.yaml")), &k); err != nil {
		t.Fatal(err)
	}
	m := loadK8s(t)
	listed := map[string]bool{}
	for _, r := range k.Resources {
		listed[r] = true
		if _, err := os.Stat(filepath.Join("k8s", r)); err != nil {
			t.Errorf("kustomization.yaml: resource %s: %v", r, err)
		}
	}
	for _, f := range m.files {
		rel, _ := filepath.Rel("k8s", f)
		if !listed[rel] {
			t.Errorf("k8s/%s is not in kustomization.yaml's resources", rel)
		}
	}
	if k.Namespace == "" {
		t.Error("kustomization.yaml: no namespace")
	}
	if len(k.Images) == 0 {
		t.Error("kustomization.yaml: no images entry to point the workers at a registry")
	}
	// With kubectl at hand, build it as kubectl apply -k would.
	if kubectl, err := exec.LookPath("kubectl"); err == nil {
		out, err := exec.Command(kubectl, "kustomize", "k8s").CombinedOutput()
		if err != nil {
			t.Errorf("kubectl kustomize k8s: %v\n%s", err, out)
		} else if !bytes.Contains(out, []byte("image: "+k.Images[0].NewName+":"+k.Images[0].NewTag)) {
			t.Errorf("kubectl kustomize k8s: the image is not rewritten to %s:%s", k.Images[0].NewName, k.Images[0].NewTag)
		}
	} else {
		t.Log("kubectl not on PATH: kustomize build not checked")
	}
}

// --- Docker Compose ----------------------------------------------------------------

// interpolation matches ${NAME}, ${NAME:-default}, ${NAME:?message} (not
// $${...}, an escaped dollar).
var interpolation = regexp.MustCompile(`(^|[^$])\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?([^}]*)\}`)

type compose struct {
	Services map[string]map[string]any `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
	Networks map[string]any            `yaml:"networks"`
}

func loadCompose(t *testing.T) (compose, string) {
	t.Helper()
	text := read(t, "compose.yaml")
	var c compose
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Services) == 0 {
		t.Fatal("compose.yaml: no services")
	}
	return c, text
}

// names returns the names of a list or the keys of a mapping.
func names(v any) []string {
	var out []string
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			out = append(out, fmt.Sprint(e))
		}
	case map[string]any:
		for k := range v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func envMap(v any) map[string]string {
	out := map[string]string{}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			out[k] = fmt.Sprint(e)
		}
	case []any:
		for _, e := range v {
			k, val, _ := strings.Cut(fmt.Sprint(e), "=")
			out[k] = val
		}
	}
	return out
}

// isBitsweep: a service running the bitsweep image.
func isBitsweep(s map[string]any) bool {
	if b, ok := s["build"].(map[string]any); ok && b["dockerfile"] == "deploy/Dockerfile" {
		return true
	}
	return strings.Contains(fmt.Sprint(s["image"]), "BITSWEEP_IMAGE")
}

// sqlToolEnv are the variables temporal-sql-tool reads (its flags' $SQL_*).
var sqlToolEnv = map[string]bool{"SQL_PLUGIN": true, "SQL_HOST": true, "SQL_PORT": true, "SQL_USER": true, "SQL_PASSWORD": true}

// isServer: a compose service running `bitsweep server`.
func isServer(s map[string]any) bool {
	cmd, _ := s["command"].([]any)
	return isBitsweep(s) && len(cmd) > 0 && cmd[0] == "server"
}

// testedVersions returns what the fault suite tests: go.mod's
// go.temporal.io/server version (embedded in the starter) and the
// PostgreSQL major version of .ci/postgres.sh.
func testedVersions(t *testing.T) (server, pgMajor string) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*go\.temporal\.io/server v(\d+\.\d+\.\d+)\s*$`).FindStringSubmatch(read(t, filepath.Join(root, "go.mod")))
	p := regexp.MustCompile(`(?m)^PG_MAJOR=(\d+)$`).FindStringSubmatch(read(t, filepath.Join(root, ".ci", "postgres.sh")))
	if m == nil || p == nil {
		t.Fatalf("no go.temporal.io/server version in go.mod (%v) or PG_MAJOR in .ci/postgres.sh (%v)", m, p)
	}
	return m[1], p[1]
}

// TestTestedVersions: Compose runs the Temporal server and the PostgreSQL
// the fault suite tests: the server is the starter's embedded one (go.mod's
// go.temporal.io/server) on PostgreSQL with the postgres12 plugin for both
// stores, its schemas come from the temporal-sql-tool of the same module
// version, PostgreSQL is the major version of .ci/postgres.sh; no other
// Temporal server image (auto-setup stopped at 1.29) is used.
func TestTestedVersions(t *testing.T) {
	server, pgMajor := testedVersions(t)
	t.Logf("tested: Temporal server %s, PostgreSQL %s", server, pgMajor)
	gomod := read(t, filepath.Join(root, "go.mod"))
	if !regexp.MustCompile(`(?m)^tool go\.temporal\.io/server/cmd/tools/sql$`).MatchString(gomod) {
		t.Error("go.mod: no `tool go.temporal.io/server/cmd/tools/sql` (temporal-sql-tool at the server's version)")
	}
	df := parseDockerfile(t)
	if !strings.Contains(df.text, "-o /out/temporal-sql-tool go.temporal.io/server/cmd/tools/sql") || !df.binaries["/usr/local/bin/temporal-sql-tool"] {
		t.Error("Dockerfile: does not build and install temporal-sql-tool from go.temporal.io/server/cmd/tools/sql")
	}

	c, text := loadCompose(t)
	if m := regexp.MustCompile(`temporalio/(auto-setup|server|admin-tools)[^\s"]*`).FindString(text); m != "" {
		t.Errorf("compose.yaml uses %s: the tested server is bitsweep's own (`bitsweep server --db postgres`, Temporal %s)", m, server)
	}
	pg := c.Services["postgresql"]
	img := fmt.Sprint(pg["image"])
	example := envExample(t)
	im := regexp.MustCompile(`^postgres:\$\{POSTGRES_VERSION:-(\d+)[^}]*\}$`).FindStringSubmatch(img)
	if im == nil || im[1] != pgMajor {
		t.Errorf("compose service postgresql: image %q, want postgres:${POSTGRES_VERSION:-%s}", img, pgMajor)
	}
	if v := example["POSTGRES_VERSION"]; v != pgMajor && !strings.HasPrefix(v, pgMajor+".") {
		t.Errorf(".env.example: POSTGRES_VERSION=%s, want %s (or %s.x): the tested major", v, pgMajor, pgMajor)
	}

	var servers []string
	for name, s := range c.Services {
		if !isServer(s) {
			continue
		}
		servers = append(servers, name)
		cmd := fmt.Sprint(s["command"])
		for _, want := range []string{"--db postgres", "--bind 0.0.0.0"} {
			if !strings.Contains(cmd, want) {
				t.Errorf("compose service %s: command %s lacks %s", name, cmd, want)
			}
		}
		env := envMap(s["environment"])
		for _, k := range []string{"TEMPORAL_DB_HOST", "TEMPORAL_DB_USER", "TEMPORAL_DB_PASSWORD", "TEMPORAL_DB_NAME", "TEMPORAL_DB_VISIBILITY_NAME"} {
			if env[k] == "" {
				t.Errorf("compose service %s: no %s", name, k)
			}
		}
		if env["TEMPORAL_DB_HOST"] != "postgresql" {
			t.Errorf("compose service %s: TEMPORAL_DB_HOST=%s, want the postgresql service", name, env["TEMPORAL_DB_HOST"])
		}
		if !slices.Contains(names(s["depends_on"]), "temporal-schema") {
			t.Errorf("compose service %s: does not depend on temporal-schema", name)
		}
	}
	if len(servers) != 1 {
		t.Errorf("compose.yaml: %d services run `bitsweep server` (%v), want 1", len(servers), servers)
	}
	job := c.Services["temporal-schema"]
	if job == nil || !isBitsweep(job) {
		t.Fatal("compose.yaml: no temporal-schema service on the bitsweep image (temporal-sql-tool of the tested version)")
	}
	env := envMap(job["environment"])
	if env["SQL_PLUGIN"] != "postgres12" || env["SQL_HOST"] != "postgresql" {
		t.Errorf("compose service temporal-schema: SQL_PLUGIN=%q SQL_HOST=%q, want postgres12 and postgresql", env["SQL_PLUGIN"], env["SQL_HOST"])
	}
	script := fmt.Sprint(job["command"])
	for _, want := range []string{"temporal-sql-tool", "setup-schema -v 0.0", "update-schema --schema-name \"postgresql/v12/$$kind\"", "temporal:temporal", "temporal_visibility:visibility"} {
		if !strings.Contains(script, want) {
			t.Errorf("compose service temporal-schema: the script lacks %q:\n%s", want, script)
		}
	}
	// The schema names the tool embeds, at this server version.
	for _, dir := range []string{"temporal", "visibility"} {
		if _, err := os.Stat(filepath.Join(moduleDir(t, "go.temporal.io/server"), "schema", "postgresql", "v12", dir, "versioned")); err != nil {
			t.Errorf("go.temporal.io/server %s has no schema postgresql/v12/%s: %v", server, dir, err)
		}
	}
}

// TestKubernetesTemporal: deploy/k8s-temporal runs the tested server and
// PostgreSQL too: bitsweep's image with `server --db postgres` (one pod,
// Recreate), the schema Job with the image's temporal-sql-tool and
// postgres12, postgres:<PG_MAJOR>, the Service the workers' ConfigMap names,
// every variable one the Go code (or temporal-sql-tool) reads, the
// password only from the Secret.
func TestKubernetesTemporal(t *testing.T) {
	_, pgMajor := testedVersions(t)
	df := parseDockerfile(t)
	var k kustomization
	if err := yaml.Unmarshal([]byte(read(t, "k8s-temporal/kustomization.yaml")), &k); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	var text strings.Builder
	for _, r := range k.Resources {
		f := filepath.Join("k8s-temporal", r)
		text.WriteString(read(t, f))
		for _, doc := range yamlDocs(t, f) {
			var obj struct {
				Kind     string `yaml:"kind"`
				Metadata meta   `yaml:"metadata"`
				Spec     struct {
					Replicas *int `yaml:"replicas"`
					Strategy struct {
						Type string `yaml:"type"`
					} `yaml:"strategy"`
					Template struct {
						Spec struct {
							Containers []struct {
								Image   string   `yaml:"image"`
								Command []string `yaml:"command"`
								Args    []string `yaml:"args"`
								Env     []struct {
									Name      string `yaml:"name"`
									Value     string `yaml:"value"`
									ValueFrom any    `yaml:"valueFrom"`
								} `yaml:"env"`
							} `yaml:"containers"`
						} `yaml:"spec"`
					} `yaml:"template"`
				} `yaml:"spec"`
			}
			if err := doc.Decode(&obj); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			kinds[obj.Kind]++
			where := obj.Kind + " " + obj.Metadata.Name
			for _, c := range obj.Spec.Template.Spec.Containers {
				cmd := strings.Join(append(append([]string{}, c.Command...), c.Args...), " ")
				for _, e := range c.Env {
					if secretName.MatchString(e.Name) && e.ValueFrom == nil {
						t.Errorf("%s: %s is not from a Secret", where, e.Name)
					}
					if !sqlToolEnv[e.Name] && !strings.HasPrefix(e.Name, "POSTGRES_") && e.Name != "PGDATA" {
						checkEnvName(t, where, e.Name)
					}
				}
				switch {
				case c.Image == "bitsweep" && len(c.Command) > 0 && df.binaries[c.Command[0]] && slices.Contains(c.Command, "server"):
					if !strings.Contains(cmd, "--db postgres") || !strings.Contains(cmd, "--bind 0.0.0.0") {
						t.Errorf("%s: command %s, want server --db postgres --bind 0.0.0.0", where, cmd)
					}
					if obj.Spec.Replicas == nil || *obj.Spec.Replicas != 1 || obj.Spec.Strategy.Type != "Recreate" {
						t.Errorf("%s: want replicas 1 and strategy Recreate (one embedded server at a time)", where)
					}
					kinds["server"]++
				case c.Image == "bitsweep" && strings.Contains(cmd, "temporal-sql-tool"):
					for _, want := range []string{"setup-schema -v 0.0", `update-schema --schema-name "postgresql/v12/$kind"`} {
						if !strings.Contains(cmd, want) {
							t.Errorf("%s: the script lacks %q", where, want)
						}
					}
					kinds["schema"]++
				case strings.HasPrefix(c.Image, "postgres:"):
					if maj, _, _ := strings.Cut(strings.TrimPrefix(c.Image, "postgres:"), "."); maj != pgMajor {
						t.Errorf("%s: image %s, want postgres:%s (the tested major)", where, c.Image, pgMajor)
					}
					kinds["postgres"]++
				default:
					t.Errorf("%s: unexpected container image %s command %v", where, c.Image, c.Command)
				}
			}
		}
	}
	if kinds["server"] != 1 || kinds["schema"] != 1 || kinds["postgres"] != 1 || kinds["Service"] < 2 {
		t.Errorf("k8s-temporal: want one server, one schema job, one postgres and their Services; got %v", kinds)
	}
	if !strings.Contains(text.String(), "SQL_PLUGIN\n              value: postgres12") {
		t.Error("k8s-temporal: the schema job does not set SQL_PLUGIN postgres12")
	}
	// The workers' ConfigMap names this server's Service.
	if !strings.Contains(read(t, "k8s/configmap.yaml"), "TEMPORAL_ADDRESS: temporal-frontend."+k.Namespace+".svc.cluster.local:7233") {
		t.Errorf("k8s/configmap.yaml: TEMPORAL_ADDRESS is not temporal-frontend.%s.svc.cluster.local:7233", k.Namespace)
	}
}

// moduleDir is the module cache directory of a dependency (go list -m).
func moduleDir(t *testing.T, mod string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Skipf("go list -m %s: %v", mod, err)
	}
	return string(bytes.TrimSpace(out))
}

func TestCompose(t *testing.T) {
	c, text := loadCompose(t)
	df := parseDockerfile(t)
	workers := 0
	for name, s := range c.Services {
		where := "compose service " + name
		if s["image"] == nil && s["build"] == nil {
			t.Errorf("%s: neither image nor build", where)
		}
		// Named volumes and networks must be declared at the top level.
		if vols, ok := s["volumes"].([]any); ok {
			for _, v := range vols {
				var src string
				switch v := v.(type) {
				case string:
					src, _, _ = strings.Cut(v, ":")
					if strings.HasPrefix(v, "${") { // ${VAR:-path}:target: a bind mount
						src = "."
					}
				case map[string]any:
					if v["type"] == "volume" {
						src = fmt.Sprint(v["source"])
					} else {
						src = "."
					}
				}
				named := src != "" && !strings.ContainsAny(src[:1], "./~$")
				if _, ok := c.Volumes[src]; named && !ok {
					t.Errorf("%s: volume %s is not declared under volumes:", where, src)
				}
			}
		}
		for _, n := range names(s["networks"]) {
			if _, ok := c.Networks[n]; !ok && n != "default" {
				t.Errorf("%s: network %s is not declared under networks:", where, n)
			}
		}
		for _, d := range names(s["depends_on"]) {
			if _, ok := c.Services[d]; !ok {
				t.Errorf("%s: depends_on %s, which is not a service", where, d)
			}
		}
		// Secrets only through interpolation from deploy/.env.
		env := envMap(s["environment"])
		for k, v := range env {
			if secretName.MatchString(k) && !regexp.MustCompile(`^\$\{[A-Z_0-9]+(:\?[^}]*)?\}$`).MatchString(v) {
				t.Errorf("%s: %s=%q: secrets must be ${VARIABLE} from deploy/.env, without a default", where, k, v)
			}
		}
		if !isBitsweep(s) {
			continue
		}
		schemaJob := name == "temporal-schema"
		for k := range env {
			if schemaJob && sqlToolEnv[k] {
				continue // read by temporal-sql-tool, in the image too
			}
			checkEnvName(t, where, k)
		}
		if b, ok := s["build"].(map[string]any); ok {
			ctx := filepath.Join(".", fmt.Sprint(b["context"]))
			if _, err := os.Stat(filepath.Join(ctx, fmt.Sprint(b["dockerfile"]))); err != nil {
				t.Errorf("%s: build context %s and dockerfile %s do not name this Dockerfile: %v", where, b["context"], b["dockerfile"], err)
			}
			if _, err := os.Stat(filepath.Join(ctx, "go.mod")); err != nil {
				t.Errorf("%s: build context %s is not the repository root", where, b["context"])
			}
		}
		if s["entrypoint"] != nil && !schemaJob {
			ep, ok := s["entrypoint"].([]any)
			if !ok || len(ep) == 0 || !df.binaries[fmt.Sprint(ep[0])] {
				t.Errorf("%s: entrypoint %v is not an exec-form list starting with a binary of the Dockerfile (%v)", where, s["entrypoint"], df.binaries)
			}
		}
		if schemaJob || isServer(s) {
			continue // the Temporal server and its schema job (TestTestedVersions)
		}
		if env["TEMPORAL_ADDRESS"] == "" || env["BITSWEEP_STORE"] == "" || env["BITSWEEP_TASK_QUEUE"] == "" {
			t.Errorf("%s: needs TEMPORAL_ADDRESS, BITSWEEP_STORE and BITSWEEP_TASK_QUEUE", where)
		}
		if s["entrypoint"] != nil {
			continue // the starter
		}
		workers++
		g, err := time.ParseDuration(fmt.Sprint(s["stop_grace_period"]))
		if err != nil || g < minGrace(t) {
			t.Errorf("%s: stop_grace_period %v, want at least %v (compose's default of 10 s cuts the graceful stop short)", where, s["stop_grace_period"], minGrace(t))
		}
		dep, _ := s["deploy"].(map[string]any)
		if dep == nil || dep["replicas"] == nil {
			t.Errorf("%s: no deploy.replicas", where)
		}
		if _, fixed := s["container_name"]; fixed {
			t.Errorf("%s: container_name prevents --scale", where)
		}
		if s["ports"] != nil {
			t.Errorf("%s: host ports prevent --scale", where)
		}
		if a, ok := env["BITSWEEP_METRICS_ADDR"]; !ok {
			t.Errorf("%s: no BITSWEEP_METRICS_ADDR (probes and metrics in the network)", where)
		} else if port := metricsPort(t, where, a); port > 0 {
			// The healthcheck probes the worker's own readiness endpoint
			// with a binary of the image.
			hc, _ := s["healthcheck"].(map[string]any)
			test, _ := hc["test"].([]any)
			want := fmt.Sprintf("http://127.0.0.1:%d/readyz", port)
			if len(test) < 4 || test[0] != "CMD" || !df.binaries[fmt.Sprint(test[1])] || test[2] != "probe" || test[len(test)-1] != want {
				t.Errorf("%s: healthcheck %v, want [CMD <a binary of the image> probe … %s]", where, hc["test"], want)
			}
		}
		// OpenBLAS threads follow the CPU limit (one point at a time).
		res, _ := dep["resources"].(map[string]any)
		lim, _ := res["limits"].(map[string]any)
		if env["BITSWEEP_CONCURRENCY"] != "1" || lim == nil || fmt.Sprint(lim["cpus"]) != env["OPENBLAS_NUM_THREADS"] {
			t.Errorf("%s: want BITSWEEP_CONCURRENCY 1 and OPENBLAS_NUM_THREADS equal to deploy.resources.limits.cpus (%v, %v)",
				where, env["OPENBLAS_NUM_THREADS"], lim)
		}
	}
	if workers == 0 || c.Services["worker"] == nil {
		t.Error("compose.yaml: no worker service named worker (docker compose up --scale worker=N)")
	}
	for _, v := range names(c.Volumes) {
		if !strings.Contains(text, v+":/") {
			t.Errorf("compose.yaml: volume %s is declared but not mounted", v)
		}
	}

	// Every variable without a default is in .env.example, and every
	// setting of .env.example is used.
	example := envExample(t)
	used := map[string]bool{}
	for _, m := range interpolation.FindAllStringSubmatch(text, -1) {
		used[m[2]] = true
		if m[3] != ":-" && m[3] != "-" {
			if _, ok := example[m[2]]; !ok {
				t.Errorf("compose.yaml needs ${%s}, which .env.example does not set", m[2])
			}
		}
	}
	for k := range example {
		if !used[k] {
			t.Errorf(".env.example sets %s, which compose.yaml does not use", k)
		}
	}
}

// envExample parses .env.example.
func envExample(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(read(t, ".env.example")))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || !regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`).MatchString(k) {
			t.Errorf(".env.example:%d: not KEY=VALUE: %q", n, line)
			continue
		}
		out[k] = v
	}
	return out
}

func TestEnvExample(t *testing.T) {
	// Access key ids are names, not secrets; the rest must be placeholders.
	secretValue := regexp.MustCompile(`(?i)(PASSWORD|PASSWD|_PWD$|SECRET|TOKEN)`)
	for k, v := range envExample(t) {
		if secretValue.MatchString(k) && !strings.Contains(v, "change-me") {
			t.Errorf(".env.example: %s=%q: secrets here must be change-me placeholders", k, v)
		}
		// MinIO takes a value starting with "env" as a reference to another
		// variable and then ignores it.
		if strings.HasPrefix(k, "MINIO_") && strings.HasPrefix(strings.ToLower(v), "env") {
			t.Errorf(".env.example: %s must not start with \"env\"", k)
		}
	}
	gi := read(t, ".gitignore")
	if !slices.Contains(strings.Fields(gi), ".env") {
		t.Error("deploy/.gitignore does not ignore .env")
	}
}

// --- the local topology ------------------------------------------------------------

const script = "local/topology.sh"

func TestTopologyScriptSyntax(t *testing.T) {
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n %s: %v\n%s", script, err, out)
	}
	if st, err := os.Stat(script); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("%s is not executable", script)
	}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		if out, err := exec.Command(sc, script).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", script, err, out)
		}
	} else {
		t.Log("shellcheck not on PATH: not run")
	}
}

// TestTopologyScriptCommands runs the commands that start nothing.
func TestTopologyScriptCommands(t *testing.T) {
	run := func(args ...string) (string, int) {
		cmd := exec.Command("bash", append([]string{script}, args...)...)
		cmd.Env = append(os.Environ(), "BITSWEEP_TOPOLOGY_DIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	out, code := run("help")
	if code != 0 || !strings.Contains(out, "kill-worker") || !strings.Contains(out, "restart-server") || !strings.Contains(out, "stop-s3") {
		t.Errorf("help: exit %d, want 0 and the fault-injection commands:\n%s", code, out)
	}
	if _, code := run("no-such-command"); code != 2 {
		t.Errorf("an unknown command exits %d, want 2", code)
	}
	dir := t.TempDir()
	out, code = run("status", "--dir", dir)
	if code != 3 {
		t.Errorf("status of nothing: exit %d, want 3:\n%s", code, out)
	}
	for _, c := range []string{"server", "s3", "worker-1", "worker-2", "worker-3"} {
		if !regexp.MustCompile(`(?m)^` + c + ` +stopped$`).MatchString(out) {
			t.Errorf("status of nothing: no %q stopped line:\n%s", c, out)
		}
	}
	if out, code := run("stop", "--dir", dir); code != 0 {
		t.Errorf("stop of nothing: exit %d, want 0 (idempotent):\n%s", code, out)
	}
	if out, code := run("kill-worker", "x", "--dir", dir); code == 0 {
		t.Errorf("kill-worker x: exit 0:\n%s", out)
	}
}

// TestTopologyScriptEnv checks the variables the script sets for the
// workers and prints for the user.
func TestTopologyScriptEnv(t *testing.T) {
	text := read(t, script)
	minio := map[string]bool{"MINIO_BROWSER": true, "MINIO_UPDATE": true} // for the MinIO server itself
	re := regexp.MustCompile(`export ([A-Z][A-Z0-9_]*)`)
	n := 0
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		if strings.HasPrefix(m[1], "CGO_") || minio[m[1]] {
			continue
		}
		n++
		checkEnvName(t, script, m[1])
	}
	if n < 8 {
		t.Errorf("%s: only %d exported variables found; is the scan broken?", script, n)
	}
	for _, want := range []string{"TEMPORAL_ADDRESS", "BITSWEEP_STORE", "BITSWEEP_S3_ENDPOINT"} {
		if !strings.Contains(text, "printf 'export "+want+"=") {
			t.Errorf("%s does not print an export line for %s", script, want)
		}
	}
}

// --- documentation -----------------------------------------------------------------

func TestReadme(t *testing.T) {
	readme := read(t, "README.md")
	for _, want := range []string{
		"docker compose -f deploy/compose.yaml",
		"--scale worker=",
		"kubectl apply -k deploy/k8s",
		"deploy/local/topology.sh start",
		"--task-queue",
		"--window",
		".env.example",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("deploy/README.md does not mention %q", want)
		}
	}
	if !strings.Contains(read(t, filepath.Join(root, "README.md")), "deploy/README.md") {
		t.Error("README.md does not link deploy/README.md")
	}
}
