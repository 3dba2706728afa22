package storage

// Options configure how a Store is opened. The zero value is valid: a local
// store needs none of it, and an S3 store then takes everything from the
// environment. Options never hold secrets, only where to find them, so they
// are safe to log.
type Options struct {
	// Endpoint is the S3 endpoint: "host:port", "http://host:port" or
	// "https://host:port". Empty means the first set of BITSWEEP_S3_ENDPOINT,
	// AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL, then "s3.amazonaws.com". A
	// scheme, if given, decides TLS; without one TLS is on unless PlainHTTP.
	Endpoint string

	// Region is the S3 region. Empty means AWS_REGION, then
	// AWS_DEFAULT_REGION, then whatever the server reports.
	Region string

	// PlainHTTP turns TLS off for an endpoint given without a scheme
	// (e.g. a MinIO on 127.0.0.1 in tests).
	PlainHTTP bool

	// CAFile is a PEM bundle of extra certificate authorities to trust for
	// HTTPS, for an endpoint with a private CA. Empty means AWS_CA_BUNDLE if
	// set. The system roots (which honour SSL_CERT_FILE) stay trusted.
	CAFile string

	// PathStyle forces path-style bucket addressing (https://host/bucket/key)
	// instead of virtual-host style (https://bucket.host/key). MinIO and
	// most self-hosted servers need it; it is also chosen automatically for
	// IP-address endpoints.
	PathStyle bool

	// CreateBucket creates the bucket if it does not exist.
	CreateBucket bool

	// StatBeforePut makes S3 Put check for an existing object with a HEAD
	// request and then upload unconditionally, for servers that ignore the
	// conditional "If-None-Match: *" upload (servers that reject it are
	// detected and get this automatically). It is racy: two Puts of one
	// key with different content at the same moment may both succeed, the
	// last one winning.
	StatBeforePut bool

	// Credentials lists where to look for S3 credentials, in order; the
	// first source that yields an access key and secret is used. Nil means
	// DefaultCredentialSources.
	Credentials []CredentialSource

	// CredentialsFile is the AWS shared-credentials file read by
	// CredentialsAWSFile. Empty means AWS_SHARED_CREDENTIALS_FILE, then
	// ~/.aws/credentials. The profile is AWS_PROFILE, then "default".
	CredentialsFile string

	// Getenv looks up environment variables; nil means os.Getenv. Tests set
	// it to avoid touching the process environment.
	Getenv func(string) string
}

// A CredentialSource is a place S3 credentials may come from.
type CredentialSource string

// Credential sources.
const (
	// CredentialsAWSEnv reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
	// (optionally) AWS_SESSION_TOKEN.
	CredentialsAWSEnv CredentialSource = "aws-env"
	// CredentialsMinioEnv reads MINIO_ROOT_USER and MINIO_ROOT_PASSWORD.
	CredentialsMinioEnv CredentialSource = "minio-env"
	// CredentialsAWSFile reads aws_access_key_id, aws_secret_access_key and
	// aws_session_token from a profile of the AWS shared-credentials file.
	CredentialsAWSFile CredentialSource = "aws-file"
	// CredentialsAnonymous sends unsigned requests (public buckets only).
	// It always yields, so it belongs last.
	CredentialsAnonymous CredentialSource = "anonymous"
)

// DefaultCredentialSources is the order used when Options.Credentials is
// nil: AWS environment variables, MinIO environment variables, then the AWS
// shared-credentials file.
var DefaultCredentialSources = []CredentialSource{
	CredentialsAWSEnv, CredentialsMinioEnv, CredentialsAWSFile,
}
