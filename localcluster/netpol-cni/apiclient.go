package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"
)

// apiClient reads from the Kubernetes API server with the client certificate of the conflist.
type apiClient struct {
	base string
	http *http.Client
}

func newAPIClient(c Config, timeout time.Duration) (*apiClient, error) {
	if c.APIServer == "" {
		return nil, errors.New("no apiServer in the plugin config")
	}
	caPEM, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no certificate in %s", c.CAFile)
	}
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		Proxy:           nil, // the API server is local; never via an HTTPS_PROXY of the runtime's environment
	}
	return &apiClient{base: c.APIServer, http: &http.Client{
		Transport: tr,
		Timeout:   timeout, // the whole request, body included
		// a redirect is not an answer
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// get decodes the JSON answer of GET path into v; any non-2xx status is an error.
func (a *apiClient) get(path string, v any) error {
	resp, err := a.http.Get(a.base + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, bytes.TrimSpace(body))
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: decoding the answer: %w", path, err)
	}
	return nil
}

func (a *apiClient) networkPolicies(ns string) ([]NetworkPolicy, error) {
	var l NetworkPolicyList
	if err := a.get("/apis/networking.k8s.io/v1/namespaces/"+url.PathEscape(ns)+"/networkpolicies", &l); err != nil {
		return nil, err
	}
	// an answer that is not a list (a proxy's page, {}) must not read as "no policies"
	if l.Kind != "NetworkPolicyList" {
		return nil, fmt.Errorf("expected a NetworkPolicyList, got kind %q", l.Kind)
	}
	return l.Items, nil
}

func (a *apiClient) pod(ns, name string) (Pod, error) {
	var p Pod
	if err := a.get("/api/v1/namespaces/"+url.PathEscape(ns)+"/pods/"+url.PathEscape(name), &p); err != nil {
		return p, err
	}
	if p.Kind != "Pod" {
		return p, fmt.Errorf("expected a Pod, got kind %q", p.Kind)
	}
	return p, nil
}
