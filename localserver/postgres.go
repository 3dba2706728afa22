package localserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/server/common/config"
	pgplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Defaults of Postgres.
const (
	DefaultPostgresHost               = "127.0.0.1"
	DefaultPostgresPort               = 5432
	DefaultPostgresDatabase           = "temporal"
	DefaultPostgresVisibilityDatabase = "temporal_visibility"
	// DefaultPostgresHistoryShards is the shard count of a new PostgreSQL
	// cluster (the sqlite store has one). It is fixed when the server first
	// starts on the databases: a later start with another count fails.
	DefaultPostgresHistoryShards = 4
)

// PluginPostgres is the server's SQL plugin used for PostgreSQL, for the
// default store and the visibility store alike.
const PluginPostgres = pgplugin.PluginName // "postgres12"

// Postgres selects PostgreSQL persistence (Options.Postgres): the server's
// postgres12 SQL plugin, history and everything else in Database, visibility
// (the postgres12 visibility store) in VisibilityDatabase, on one
// PostgreSQL. The schemas must exist: they are created and upgraded with the
// server's own tool, temporal-sql-tool (setup-schema -v 0.0, then
// update-schema --schema-name postgresql/v12/temporal and .../visibility;
// .ci/postgres.sh schema does both); Start fails with the server's schema
// version error otherwise.
type Postgres struct {
	Host string // default 127.0.0.1
	Port int    // default 5432
	User string
	// Password of User. bitsweep reads it from the environment only
	// (TEMPORAL_DB_PASSWORD); it is passed to the driver and logged nowhere.
	Password           string
	Database           string // default "temporal"
	VisibilityDatabase string // default "temporal_visibility"
	// ConnectAttributes are added to the connection URL, e.g. sslmode=require.
	ConnectAttributes map[string]string
	// HistoryShards of a new cluster, default 4 (see
	// DefaultPostgresHistoryShards).
	HistoryShards int
}

// String describes the connection without the password.
func (p Postgres) String() string {
	return fmt.Sprintf("postgres://%s@%s/%s (visibility %s)", p.User,
		net.JoinHostPort(p.Host, strconv.Itoa(p.Port)), p.Database, p.VisibilityDatabase)
}

// GoString keeps %#v from printing the password too.
func (p Postgres) GoString() string { return p.String() }

func (p *Postgres) withDefaults() (Postgres, error) {
	q := *p
	if q.Host == "" {
		q.Host = DefaultPostgresHost
	}
	if q.Port == 0 {
		q.Port = DefaultPostgresPort
	}
	if q.Database == "" {
		q.Database = DefaultPostgresDatabase
	}
	if q.VisibilityDatabase == "" {
		q.VisibilityDatabase = DefaultPostgresVisibilityDatabase
	}
	if q.HistoryShards == 0 {
		q.HistoryShards = DefaultPostgresHistoryShards
	}
	switch {
	case q.Port < 0 || q.Port > 65535:
		return q, fmt.Errorf("localserver: invalid PostgreSQL port %d", q.Port)
	case q.User == "":
		return q, errors.New("localserver: PostgreSQL user is required")
	case q.HistoryShards < 1:
		return q, fmt.Errorf("localserver: invalid history shard count %d", q.HistoryShards)
	case q.Database == q.VisibilityDatabase:
		return q, fmt.Errorf("localserver: the visibility database must differ from the database (both %q)", q.Database)
	}
	return q, nil
}

// sql is the persistence config of one of the two databases. The pool sizes
// are those of the server's development-postgres12 config.
func (p Postgres) sql(db string) *config.SQL {
	attrs := map[string]string{}
	for k, v := range p.ConnectAttributes {
		attrs[k] = v
	}
	return &config.SQL{
		PluginName:        PluginPostgres,
		DatabaseName:      db,
		ConnectAddr:       net.JoinHostPort(p.Host, strconv.Itoa(p.Port)),
		ConnectProtocol:   "tcp",
		User:              p.User,
		Password:          p.Password,
		ConnectAttributes: attrs,
		MaxConns:          20,
		MaxIdleConns:      20,
		MaxConnLifetime:   time.Hour,
	}
}

// persistence is the server's persistence config for p: a default store and
// a visibility store, both postgres12.
func (p Postgres) persistence() config.Persistence {
	return config.Persistence{
		DefaultStore:     "postgres",
		VisibilityStore:  "postgres-visibility",
		NumHistoryShards: int32(p.HistoryShards),
		DataStores: map[string]config.DataStore{
			"postgres":            {SQL: p.sql(p.Database)},
			"postgres-visibility": {SQL: p.sql(p.VisibilityDatabase)},
		},
	}
}

// registerNamespace registers ns through the frontend (the sqlite store
// writes it into the database before the server starts; on PostgreSQL the
// server's own API does it). An existing namespace is left as it is.
func registerNamespace(ctx context.Context, address, ns string, retention time.Duration) error {
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	wf := workflowservice.NewWorkflowServiceClient(conn)
	var lastErr error
	for {
		callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := wf.RegisterNamespace(callCtx, &workflowservice.RegisterNamespaceRequest{
			Namespace:                        ns,
			Description:                      "bitsweep",
			WorkflowExecutionRetentionPeriod: durationpb.New(retention),
		})
		cancel()
		// A raw gRPC client: the status code, not a serviceerror type.
		if err == nil || status.Code(err) == codes.AlreadyExists {
			return nil
		}
		// Unavailable until the frontend listens and its membership is up;
		// anything else (a bad retention, permission) is final.
		if c := status.Code(err); c != codes.Unavailable && c != codes.DeadlineExceeded && c != codes.Internal {
			return err
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), lastErr)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
