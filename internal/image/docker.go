package image

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// dockerAPIVersion is the Engine API version asked for; 1.41 is Docker 20.10,
// which every supported engine speaks.
const dockerAPIVersion = "v1.41"

// openDockerEngine exports the image from a Docker Engine (as `docker save`
// does) into a temporary file, unlinked at once, and reads it in place.
func openDockerEngine(ctx context.Context, ref string, opts Options) (*Image, error) {
	c, err := newDockerClient(opts.DockerHost)
	if err != nil {
		return nil, err
	}
	id, err := c.imageID(ctx, ref)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(opts.TempDir, "bulwark-docker-*.tar")
	if err != nil {
		return nil, err
	}
	name := f.Name()
	defer os.Remove(name)
	err = c.save(ctx, id, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	img, err := openArchiveImage(name, func(a *archiveFS) (*Image, error) { return readDockerArchive(a, "") })
	if err != nil {
		return nil, err
	}
	img.Tags = []string{ref}
	return img, nil
}

type dockerClient struct {
	http *http.Client
	base string
	host string
}

// newDockerClient talks to DOCKER_HOST (unix:// or tcp://), default the
// system socket.
func newDockerClient(host string) (*dockerClient, error) {
	if host == "" {
		host = os.Getenv("DOCKER_HOST")
	}
	if host == "" {
		host = "unix:///var/run/docker.sock"
	}
	u, err := url.Parse(host)
	if err != nil {
		return nil, fmt.Errorf("DOCKER_HOST %q: %w", host, err)
	}
	tr := &http.Transport{}
	base := "http://docker/" + dockerAPIVersion
	switch u.Scheme {
	case "unix":
		sock := u.Path
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}
	case "tcp", "http":
		base = "http://" + u.Host + "/" + dockerAPIVersion
	default:
		return nil, fmt.Errorf("DOCKER_HOST %q: only unix:// and tcp:// are supported", host)
	}
	return &dockerClient{http: &http.Client{Transport: tr}, base: base, host: host}, nil
}

func (c *dockerClient) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("docker engine at %s: %w", c.host, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		var msg struct{ Message string }
		json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&msg)
		return nil, fmt.Errorf("docker engine at %s: %s: %s", c.host, resp.Status, strings.TrimSpace(msg.Message))
	}
	return resp, nil
}

func (c *dockerClient) imageID(ctx context.Context, ref string) (string, error) {
	resp, err := c.get(ctx, "/images/"+url.PathEscape(ref)+"/json")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var info struct {
		ID string `json:"Id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return "", fmt.Errorf("docker engine: image %s: %w", ref, err)
	}
	return info.ID, nil
}

func (c *dockerClient) save(ctx context.Context, id string, w io.Writer) error {
	resp, err := c.get(ctx, "/images/get?names="+url.QueryEscape(id))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("docker engine: export %s: %w", id, err)
	}
	return nil
}
