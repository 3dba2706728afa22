// Package localserver runs an embedded Temporal server (frontend, history,
// matching and worker services) inside the current process, persisted in a
// SQLite database under a state directory, or on PostgreSQL. With SQLite it
// is bitsweep's "local mode": a whole sweep runs on one machine with no
// services installed, and a run that was killed resumes where it stopped on
// the next Start over the same state directory. With Options.Postgres it is
// the standalone server of `starter server --db postgres` (the fault suite's
// PostgreSQL topology, deploy/compose.yaml): the server's postgres12 SQL
// plugin for the default store and the postgres12 visibility store, on two
// databases whose schemas the server's own temporal-sql-tool set up (see
// Postgres); the state directory then holds only the lock and the port.
//
// # State directory
//
// Start creates StateDir if needed and keeps there:
//
//	temporal.db (+ -wal, -shm)  the SQLite database (WAL journal)
//	localserver.lock            flock(2)ed while a server has the dir open;
//	                            holds the owner's pid, for error messages
//	frontend.port               the frontend port of the last start
//
// # Network
//
// Every listener binds 127.0.0.1 (the frontend: Options.BindIP, for a
// server in a container): the frontend gRPC port (Options.Port, or
// the one recorded in frontend.port, or a free one) and one internal gRPC
// port each for the history, matching and worker services (free ports
// picked at each start). Membership is static (no ringpop gossip port),
// the frontend HTTP API, metrics and pprof are off.
//
// # Differences from a default server
//
// One history shard on SQLite (Postgres.HistoryShards, default 4, on
// PostgreSQL); rate limits raised and task queues of one partition
// (see defaultDynamicConfig); the task queue and history scanners and the
// parent-close-policy system worker are off, because the server never stops
// their SDK workers (they would outlive Stop). The sqlite plugin keeps its
// database connection open for the life of the process, even after Stop;
// a later Start of the same state dir in the same process reuses it.
package localserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/common/primitives/timestamp"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

const (
	// DefaultNamespace is the namespace used when Options.Namespace is empty.
	DefaultNamespace = "default"
	// DefaultRetention is the workflow retention of a namespace created by Start.
	DefaultRetention = 7 * 24 * time.Hour

	dbFileName   = "temporal.db"
	lockFileName = "localserver.lock"
	portFileName = "frontend.port"

	loopback    = "127.0.0.1"
	clusterName = "active"

	// defaultStartTimeout bounds Start when ctx has no deadline.
	defaultStartTimeout = 2 * time.Minute
)

// ErrLocked is returned (wrapped) by Start when another server, in this
// process or another one, already has the state directory open.
var ErrLocked = errors.New("state dir is locked")

// Options configures Start. Only StateDir is required.
type Options struct {
	// StateDir holds the SQLite database, the lock file and the recorded
	// frontend port. It is created if missing and must be writable.
	StateDir string

	// Namespace is registered on first start (a no-op when it exists).
	// Default "default".
	Namespace string

	// Retention of the namespace when Start creates it. Default 7 days.
	// It is not changed for an existing namespace.
	Retention time.Duration

	// Port is the frontend gRPC port on 127.0.0.1. With 0, Start reuses
	// the port recorded in StateDir/frontend.port by the previous start if
	// it is free, and otherwise picks a free port; either way the port used
	// is recorded, so that restarts over the same state dir keep their
	// address when they can. A non-zero Port that is busy is an error.
	Port int

	// Logger receives the server's logs. Default: a text logger on stderr.
	Logger *slog.Logger
	// LogLevel is the lowest level passed on to Logger. Default slog.LevelWarn
	// (the server is very chatty at info level).
	LogLevel slog.Leveler

	// Postgres, when set, persists the server on PostgreSQL instead of the
	// SQLite database in StateDir (see Postgres).
	Postgres *Postgres

	// BindIP is the address the frontend listens on. Default 127.0.0.1;
	// "0.0.0.0" for a server in a container that other containers reach.
	// The internal services always bind 127.0.0.1.
	BindIP string

	// DynamicConfig overrides or adds server dynamic config values, by key
	// (e.g. "frontend.namespaceRPS": 5000). They win over the defaults of
	// this package (see defaultDynamicConfig).
	DynamicConfig map[string]any
}

// Server is a running embedded Temporal server. Stop it with Stop.
type Server struct {
	srv       temporal.Server
	logger    slogLogger
	lock      *dirLock
	address   string
	namespace string
	stateDir  string

	stopOnce sync.Once
	stopErr  error
}

// Address is the frontend gRPC address, "127.0.0.1:PORT", for client.Dial.
func (s *Server) Address() string { return s.address }

// Namespace is the namespace registered by Start.
func (s *Server) Namespace() string { return s.namespace }

// StateDir is the absolute path of the state directory.
func (s *Server) StateDir() string { return s.stateDir }

// Stop shuts the server down gracefully and releases the state dir lock.
// It is safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.logger.muted.Store(true)
		err := s.srv.Stop()
		if lerr := s.lock.release(); lerr != nil && err == nil {
			err = lerr
		}
		s.stopErr = err
	})
	return s.stopErr
}

// Start starts the server over o.StateDir and returns once the frontend
// accepts connections and the namespace is registered. The server keeps
// running after ctx ends; ctx only bounds the start (two minutes when it has
// no deadline).
func Start(ctx context.Context, o Options) (_ *Server, retErr error) {
	if o.StateDir == "" {
		return nil, errors.New("localserver: Options.StateDir is required")
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Port < 0 || o.Port > 65535 {
		return nil, fmt.Errorf("localserver: invalid port %d", o.Port)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultStartTimeout)
		defer cancel()
	}

	dir, err := prepareStateDir(o.StateDir)
	if err != nil {
		return nil, err
	}
	lock, err := acquireLock(dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			_ = lock.release()
		}
	}()

	if o.BindIP == "" {
		o.BindIP = loopback
	}
	if ip := net.ParseIP(o.BindIP); ip == nil || ip.To4() == nil {
		return nil, fmt.Errorf("localserver: bind address %q: want an IPv4 address such as 127.0.0.1 or 0.0.0.0", o.BindIP)
	}
	var pg *Postgres
	if o.Postgres != nil {
		p, err := o.Postgres.withDefaults()
		if err != nil {
			return nil, err
		}
		pg = &p
	}

	port, err := choosePort(dir, o.Port)
	if err != nil {
		return nil, err
	}
	var persistence config.Persistence
	if pg != nil {
		persistence = pg.persistence()
	} else {
		sqlCfg, err := prepareDatabase(dir, o.Namespace, o.Retention)
		if err != nil {
			return nil, err
		}
		persistence = config.Persistence{
			DefaultStore:     "sqlite",
			VisibilityStore:  "sqlite",
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{"sqlite": {SQL: sqlCfg}},
		}
	}

	logger := newServerLogger(o.Logger, o.LogLevel)
	opts, err := serverOptions(o, port, persistence, logger)
	if err != nil {
		return nil, err
	}
	srv, err := temporal.NewServer(opts...)
	if err != nil {
		if pg != nil {
			return nil, fmt.Errorf("localserver: creating server on %s: %w (is PostgreSQL up, are user, password and schemas right? schemas: temporal-sql-tool, or .ci/postgres.sh schema %s %s)", pg, err, pg.Database, pg.VisibilityDatabase)
		}
		return nil, fmt.Errorf("localserver: creating server: %w", err)
	}
	if err := srv.Start(); err != nil {
		logger.muted.Store(true)
		_ = srv.Stop()
		if pg != nil {
			return nil, fmt.Errorf("localserver: starting server on %s: %w (are the schemas set up? temporal-sql-tool, or .ci/postgres.sh schema %s %s)", pg, err, pg.Database, pg.VisibilityDatabase)
		}
		return nil, fmt.Errorf("localserver: starting server: %w", err)
	}
	s := &Server{
		srv:       srv,
		logger:    logger,
		lock:      lock,
		address:   net.JoinHostPort(loopback, strconv.Itoa(port)),
		namespace: o.Namespace,
		stateDir:  dir,
	}
	if pg != nil {
		if err := registerNamespace(ctx, s.address, o.Namespace, o.Retention); err != nil {
			logger.muted.Store(true)
			_ = srv.Stop()
			return nil, fmt.Errorf("localserver: registering namespace %q: %w", o.Namespace, err)
		}
	}
	if err := waitReady(ctx, s.address, o.Namespace); err != nil {
		logger.muted.Store(true)
		_ = srv.Stop()
		return nil, fmt.Errorf("localserver: server at %s did not become ready: %w", s.address, err)
	}
	// Recorded only once the server is up, so a port that failed is not kept.
	if err := writePortFile(dir, port); err != nil {
		logger.muted.Store(true)
		_ = srv.Stop()
		return nil, err
	}
	return s, nil
}

// prepareStateDir creates dir if needed, checks that it is a writable
// directory and returns its absolute path.
func prepareStateDir(stateDir string) (string, error) {
	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return "", fmt.Errorf("localserver: state dir %q: %w", stateDir, err)
	}
	// The SQLite driver takes a "file:PATH?params" URI: keep PATH plain.
	if strings.ContainsAny(dir, "?#%") {
		return "", fmt.Errorf("localserver: state dir %q: path must not contain '?', '#' or '%%'", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("localserver: cannot create state dir %q: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("localserver: state dir %q: %w", dir, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("localserver: state dir %q is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".writable-*")
	if err != nil {
		return "", fmt.Errorf("localserver: state dir %q is not writable: %w", dir, err)
	}
	name := f.Name()
	_ = f.Close()
	if err := os.Remove(name); err != nil {
		return "", fmt.Errorf("localserver: state dir %q is not writable: %w", dir, err)
	}
	return dir, nil
}

func sqlConfig(dbPath string) *config.SQL {
	return &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: dbPath,
		ConnectAttributes: map[string]string{
			"mode": "rwc",
			// WAL: safe against a killed process (the point of local mode),
			// and cheaper commits than the rollback journal. synchronous=NORMAL
			// may lose the last transactions on a power cut, never consistency.
			"journal_mode": "wal",
			"synchronous":  "NORMAL",
			"busy_timeout": "10000",
		},
	}
}

// prepareDatabase creates the schema in a fresh database and makes sure the
// namespace exists. The schema goes into a temporary file renamed into place
// when complete, so a start killed halfway never leaves a half-built DB.
func prepareDatabase(dir, namespace string, retention time.Duration) (*config.SQL, error) {
	dbPath := filepath.Join(dir, dbFileName)
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		tmp := filepath.Join(dir, dbFileName+".init")
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			_ = os.Remove(tmp + suffix)
		}
		// The sqlite plugin's connection pool never closes a connection (see
		// its connPool.Close), so the WAL of the temporary file would never be
		// checkpointed: build it with a rollback journal instead, where every
		// commit lands in the main file. The server switches it to WAL.
		setup := sqlConfig(tmp)
		setup.ConnectAttributes["journal_mode"] = "delete"
		setup.ConnectAttributes["synchronous"] = "FULL"
		if err := sqliteschema.SetupSchema(setup); err != nil {
			return nil, fmt.Errorf("localserver: creating database schema in %s: %w", tmp, err)
		}
		if err := os.Rename(tmp, dbPath); err != nil {
			return nil, fmt.Errorf("localserver: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("localserver: %w", err)
	}

	cfg := sqlConfig(dbPath)
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, namespace, false, nil)
	if err != nil {
		return nil, fmt.Errorf("localserver: namespace %q: %w", namespace, err)
	}
	ns.Detail.Config.Retention = timestamp.DurationPtr(retention)
	// A no-op when the namespace already exists.
	if err := sqliteschema.CreateNamespaces(cfg, ns); err != nil {
		return nil, fmt.Errorf("localserver: registering namespace %q in %s: %w", namespace, dbPath, err)
	}
	return cfg, nil
}

// defaultDynamicConfig holds the dynamic config of a local server.
func defaultDynamicConfig() map[string]any {
	return map[string]any{
		// Rate limits sized for one process doing everything; the defaults
		// throttle a sweep that starts many points at once.
		dynamicconfig.FrontendRPS.Key().String():                                  10000,
		dynamicconfig.FrontendMaxNamespaceRPSPerInstance.Key().String():           10000,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key().String(): 1000,
		// Workflow IDs of sweep points carry their parameters.
		dynamicconfig.MaxIDLengthLimit.Key().String(): 4000,
		// As the dev server: search attributes added at run time are seen at once.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key().String(): true,
		// As the dev server: a smaller mutable state cache.
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key().String(): 8192,
		// One machine: one task queue partition, no forwarding between partitions.
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key().String():  1,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key().String(): 1,
		// The worker service never stops the SDK workers of its scanners and
		// of the parent-close-policy processor (upstream TODO in
		// service/worker/scanner): after Stop they would keep polling, and
		// after an in-process restart on the same port poll the new server
		// with the old server's state. Their jobs are cluster housekeeping
		// (expired task queue rows, orphaned history branches) that a local
		// database can do without; parent close policies are then applied by
		// the history service itself, whatever the number of children.
		dynamicconfig.TaskQueueScannerEnabled.Key().String():       false,
		dynamicconfig.HistoryScannerEnabled.Key().String():         false,
		dynamicconfig.EnableParentClosePolicyWorker.Key().String(): false,
	}
}

func serverOptions(o Options, frontendPort int, persistence config.Persistence, logger slogLogger) ([]temporal.ServerOption, error) {
	// Internal services: a free loopback port each, picked per start.
	ports := map[primitives.ServiceName]int{primitives.FrontendService: frontendPort}
	used := map[int]bool{frontendPort: true}
	for _, svc := range []primitives.ServiceName{primitives.HistoryService, primitives.MatchingService, primitives.WorkerService} {
		for {
			p, err := freePort()
			if err != nil {
				return nil, fmt.Errorf("localserver: picking a port for %s: %w", svc, err)
			}
			if !used[p] {
				used[p] = true
				ports[svc] = p
				break
			}
		}
	}
	frontendAddr := net.JoinHostPort(loopback, strconv.Itoa(frontendPort))

	var cfg config.Config
	cfg.Global.Membership.MaxJoinDuration = 30 * time.Second
	cfg.Global.Membership.BroadcastAddress = loopback
	// Global.Metrics nil: no-op metrics, no listener. PProf port 0: off.
	cfg.Global.PProf.Port = 0
	cfg.Persistence = persistence
	cfg.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontendAddr,
			},
		},
	}
	cfg.DCRedirectionPolicy.Policy = "noop"
	cfg.Services = map[string]config.Service{}
	for svc, p := range ports {
		// BindOnIP, not BindOnLocalHost: the latter follows $BIND_ON_IP /
		// environment.GetLocalhostIP(), which could be something else.
		// HTTPPort 0: the frontend HTTP API is off.
		bind := loopback
		if svc == primitives.FrontendService && o.BindIP != "" {
			bind = o.BindIP
		}
		cfg.Services[string(svc)] = config.Service{RPC: config.RPC{GRPCPort: p, BindOnIP: bind}}
	}
	cfg.Archival.History.State = "disabled"
	cfg.Archival.Visibility.State = "disabled"
	cfg.NamespaceDefaults.Archival.History.State = "disabled"
	cfg.NamespaceDefaults.Archival.Visibility.State = "disabled"
	cfg.PublicClient.HostPort = frontendAddr

	// Static membership: without it every service joins a ringpop ring
	// (one more listener each) and a restart waits ~50 s for the members
	// recorded by the previous run to time out.
	hosts := map[primitives.ServiceName]static.Hosts{}
	for svc, p := range ports {
		hosts[svc] = static.SingleLocalHost(net.JoinHostPort(loopback, strconv.Itoa(p)))
	}

	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("localserver: authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("localserver: claim mapper: %w", err)
	}

	dc := dynamicconfig.StaticClient{}
	for k, v := range defaultDynamicConfig() {
		dc[dynamicconfig.MakeKey(k)] = v
	}
	for k, v := range o.DynamicConfig {
		dc[dynamicconfig.MakeKey(k)] = v
	}

	return []temporal.ServerOption{
		temporal.WithConfig(&cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dc),
	}, nil
}

// waitReady polls the frontend until it answers DescribeNamespace for ns.
func waitReady(ctx context.Context, address, ns string) error {
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	wf := workflowservice.NewWorkflowServiceClient(conn)

	var lastErr error
	for {
		callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		resp, err := wf.DescribeNamespace(callCtx, &workflowservice.DescribeNamespaceRequest{Namespace: ns})
		cancel()
		if err == nil {
			if st := resp.GetNamespaceInfo().GetState(); st != enumspb.NAMESPACE_STATE_REGISTERED {
				return fmt.Errorf("namespace %q is in state %s", ns, st)
			}
			return nil
		}
		// Unavailable until the frontend listens; NamespaceNotFound until its
		// namespace registry has loaded. Both pass: keep polling.
		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
