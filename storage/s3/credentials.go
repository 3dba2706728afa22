package s3

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// resolveCredentials walks o.Credentials (or the defaults) and returns the
// first credentials found, with the name of the source. Error messages name
// variables and files, never their values.
func resolveCredentials(o storage.Options) (*credentials.Credentials, storage.CredentialSource, error) {
	getenv := getenvFunc(o)
	sources := o.Credentials
	if sources == nil {
		sources = storage.DefaultCredentialSources
	}
	var tried []string
	for _, src := range sources {
		var id, secret, token string
		switch src {
		case storage.CredentialsAWSEnv:
			id, secret, token = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN")
			if (id == "") != (secret == "") {
				return nil, "", errors.New("credentials: only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set")
			}
			tried = append(tried, "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
		case storage.CredentialsMinioEnv:
			id, secret = getenv("MINIO_ROOT_USER"), getenv("MINIO_ROOT_PASSWORD")
			if (id == "") != (secret == "") {
				return nil, "", errors.New("credentials: only one of MINIO_ROOT_USER and MINIO_ROOT_PASSWORD is set")
			}
			tried = append(tried, "MINIO_ROOT_USER/MINIO_ROOT_PASSWORD")
		case storage.CredentialsAWSFile:
			file := o.CredentialsFile
			if file == "" {
				file = getenv("AWS_SHARED_CREDENTIALS_FILE")
			}
			if file == "" {
				if home, err := os.UserHomeDir(); err == nil {
					file = filepath.Join(home, ".aws", "credentials")
				}
			}
			profile := getenv("AWS_PROFILE")
			if profile == "" {
				profile = "default"
			}
			tried = append(tried, fmt.Sprintf("profile %q of %s", profile, file))
			var err error
			if id, secret, token, err = readAWSFile(file, profile); err != nil {
				return nil, "", fmt.Errorf("credentials: %w", err)
			}
		case storage.CredentialsAnonymous:
			return credentials.NewStaticV4("", "", ""), src, nil
		default:
			return nil, "", fmt.Errorf("credentials: unknown source %q", src)
		}
		if id != "" && secret != "" {
			return credentials.NewStaticV4(id, secret, token), src, nil
		}
	}
	return nil, "", fmt.Errorf("no S3 credentials found (tried %s)", strings.Join(tried, ", "))
}

// readAWSFile reads a profile's keys from an AWS shared-credentials file (an
// INI file). A missing file or profile yields empty strings and no error.
func readAWSFile(file, profile string) (id, secret, token string, err error) {
	if file == "" {
		return "", "", "", nil
	}
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", "", "", nil
	}
	if err != nil {
		return "", "", "", err
	}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[' && line[len(line)-1] == ']':
			section = strings.TrimSpace(line[1 : len(line)-1])
			section = strings.TrimSpace(strings.TrimPrefix(section, "profile "))
			continue
		}
		if section != profile {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			id = strings.TrimSpace(v)
		case "aws_secret_access_key":
			secret = strings.TrimSpace(v)
		case "aws_session_token":
			token = strings.TrimSpace(v)
		}
	}
	if (id == "") != (secret == "") {
		return "", "", "", fmt.Errorf("profile %q of %s has only one of aws_access_key_id and aws_secret_access_key", profile, file)
	}
	return id, secret, token, sc.Err()
}
