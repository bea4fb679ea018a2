package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// standInFirewall records what ADD and DEL would change on the node; the real one needs root and iptables
// (exercised by test/cluster/netpol.test.ts).
type standInFirewall struct{ calls []string }

func (f *standInFirewall) Lock() (func(), error) {
	f.calls = append(f.calls, "lock")
	return func() {}, nil
}
func (f *standInFirewall) EnsureChain() error { f.calls = append(f.calls, "chain"); return nil }
func (f *standInFirewall) DeleteRules(p string) (int, error) {
	f.calls = append(f.calls, "delete "+p)
	return 0, nil
}
func (f *standInFirewall) Drop(dir, ip, id string) error {
	f.calls = append(f.calls, fmt.Sprintf("drop %s %s %s", dir, ip, id))
	return nil
}
func (f *standInFirewall) DisableIPv6(netns string) { f.calls = append(f.calls, "noipv6 "+netns) }

const prevResult = `{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],` +
	`"ips":[{"address":"fd00::5/64"},{"address":"10.88.0.5/16","gateway":"10.88.0.1"}]}`

var podEnv = Env{Command: "ADD", ContainerID: "0123456789abcdef0123", Netns: "/run/netns/x",
	Args: "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=pod1;K8S_POD_INFRA_CONTAINER_ID=0123"}

// fakeAPIServer stands in for the Kubernetes API server: TLS, demands a client certificate, and answers
// with handler. Returns the plugin config pointing at it.
func fakeAPIServer(t *testing.T, handler http.HandlerFunc) Config {
	t.Helper()
	srv := httptest.NewUnstartedServer(handler)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := clientFiles(t, srv.Certificate())
	c.APIServer = srv.URL
	return c
}

// clientFiles writes the CA (the fake server's certificate) and a self-signed client key pair.
func clientFiles(t *testing.T, ca *x509.Certificate) Config {
	t.Helper()
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	c := Config{CNIVersion: "1.0.0", CAFile: filepath.Join(dir, "ca.crt"), CertFile: filepath.Join(dir, "c.crt"),
		KeyFile: filepath.Join(dir, "c.key"), LogFile: filepath.Join(dir, "netpol.log")}
	for f, b := range map[string]*pem.Block{
		c.CAFile:   {Type: "CERTIFICATE", Bytes: ca.Raw},
		c.CertFile: {Type: "CERTIFICATE", Bytes: der},
		c.KeyFile:  {Type: "EC PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(f, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// invoke runs the plugin as the runtime would: the config with prevResult on stdin.
func invoke(t *testing.T, c Config, env Env, timeout time.Duration) (fw *standInFirewall, out string, code int) {
	t.Helper()
	c.PrevResult = json.RawMessage(prevResult)
	stdin, _ := json.Marshal(c)
	fw = &standInFirewall{}
	var stdout bytes.Buffer
	p := plugin{env: env, fw: fw, apiTimeout: timeout}
	code = p.run(bytes.NewReader(stdin), &stdout)
	return fw, stdout.String(), code
}

// cluster answers like the API server holding the given policies (JSON specs) and pod labels.
func cluster(policies []string, labels string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apis/networking.k8s.io/v1/namespaces/ns1/networkpolicies":
			items := make([]string, len(policies))
			for i, s := range policies {
				items[i] = `{"metadata":{"name":"p` + fmt.Sprint(i) + `"},"spec":` + s + `}`
			}
			fmt.Fprintf(w, `{"kind":"NetworkPolicyList","apiVersion":"networking.k8s.io/v1","items":[%s]}`, strings.Join(items, ","))
		case "/api/v1/namespaces/ns1/pods/pod1":
			fmt.Fprintf(w, `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"pod1","labels":%s}}`, labels)
		default:
			http.NotFound(w, r)
		}
	}
}

func TestAddFailsClosedWhenTheAPIServerCannotBeAsked(t *testing.T) {
	refused := func(t *testing.T) Config {
		c := fakeAPIServer(t, cluster(nil, `{}`))
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c.APIServer = "https://" + l.Addr().String()
		l.Close() // nobody listens there any more
		return c
	}
	status := func(code int) func(*testing.T) Config {
		return func(t *testing.T) Config {
			return fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(code) // with a body that would read as "no policies"
				fmt.Fprint(w, `{"kind":"NetworkPolicyList","items":[]}`)
			})
		}
	}
	hangs := func(t *testing.T) Config {
		release := make(chan struct{})
		c := fakeAPIServer(t, func(http.ResponseWriter, *http.Request) { <-release })
		t.Cleanup(func() { close(release) }) // runs before the server's Close, which waits for handlers
		return c
	}
	answers := func(body string) func(*testing.T) Config {
		return func(t *testing.T) Config {
			return fakeAPIServer(t, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, body) })
		}
	}
	podUnreadable := func(t *testing.T) Config {
		list := cluster([]string{`{"policyTypes":["Egress"]}`}, `{}`)
		return fakeAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/pods/") {
				http.Error(w, "etcd timeout", http.StatusServiceUnavailable)
				return
			}
			list(w, r)
		})
	}
	wrongCA := func(t *testing.T) Config {
		c := fakeAPIServer(t, cluster(nil, `{}`))
		c.CAFile = c.CertFile // a self-signed certificate that did not sign the server's
		return c
	}
	cases := []struct {
		name   string
		config func(*testing.T) Config
		msg    string
	}{
		{"connection refused", refused, "cannot list NetworkPolicies of ns1"},
		{"500", status(http.StatusInternalServerError), "cannot list NetworkPolicies of ns1"},
		{"403", status(http.StatusForbidden), "cannot list NetworkPolicies of ns1"},
		{"timeout", hangs, "cannot list NetworkPolicies of ns1"},
		{"not a list", answers(`{}`), "cannot list NetworkPolicies of ns1"},
		{"not JSON", answers(`<html>`), "cannot list NetworkPolicies of ns1"},
		{"untrusted server certificate", wrongCA, "cannot list NetworkPolicies of ns1"},
		{"pod unreadable", podUnreadable, "cannot read pod ns1/pod1"},
		{"no apiServer configured", func(t *testing.T) Config { return Config{CNIVersion: "1.0.0"} }, "cannot set up the API client"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			fw, out, code := invoke(t, c.config(t), podEnv, 300*time.Millisecond)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			var res errorResult
			if err := json.Unmarshal([]byte(out), &res); err != nil || res.Code != 999 || res.CNIVersion != "1.0.0" ||
				!strings.HasPrefix(res.Msg, "code-runner-netpol: "+c.msg) {
				t.Errorf("want an error result with %q, got %q", c.msg, out)
			}
			if len(fw.calls) != 0 {
				t.Errorf("the node was changed although ADD failed: %v", fw.calls)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v: the timeout did not apply", d)
			}
		})
	}
}

func TestAddIsolatesASelectedPod(t *testing.T) {
	c := fakeAPIServer(t, cluster([]string{
		`{"podSelector":{"matchExpressions":[{"key":"role","operator":"In","values":["iso"]}]},"policyTypes":["Egress"]}`,
		`{"podSelector":{"matchLabels":{"role":"other"}}}`,
	}, `{"role":"iso"}`))
	fw, out, code := invoke(t, c, podEnv, time.Second)
	if code != 0 || out != prevResult+"\n" {
		t.Fatalf("exit %d, stdout %q: want 0 and the prevResult passed on", code, out)
	}
	want := []string{"lock", "chain", "delete  10.88.0.5/32 ", "noipv6 /run/netns/x",
		"drop egress 10.88.0.5 cr-netpol:0123456789abcdef"}
	if !slices.Equal(fw.calls, want) {
		t.Errorf("firewall calls %q, want %q", fw.calls, want)
	}
	log, _ := os.ReadFile(c.LogFile)
	if !strings.Contains(string(log), " ADD pod ns1/pod1 ip 10.88.0.5 container 0123456789abcdef: ingress-isolated=0 egress-isolated=1\n") {
		t.Errorf("log: %s", log)
	}
}

func TestAddWarnsAboutAllowRules(t *testing.T) {
	c := fakeAPIServer(t, cluster([]string{`{"podSelector":{},"ingress":[{"from":[{"podSelector":{}}]}]}`}, `{}`))
	fw, _, code := invoke(t, c, podEnv, time.Second)
	if code != 0 || !slices.Contains(fw.calls, "drop ingress 10.88.0.5 cr-netpol:0123456789abcdef") {
		t.Fatalf("exit %d, calls %q: want the ingress isolated", code, fw.calls)
	}
	if log, _ := os.ReadFile(c.LogFile); !strings.Contains(string(log), "WARNING ns1/pod1: allow rules") {
		t.Errorf("no warning in the log: %s", log)
	}
}

func TestAddWithoutPoliciesOnlyClearsAReusedIP(t *testing.T) {
	var pods int
	list := cluster(nil, `{}`)
	c := fakeAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/pods/") {
			pods++
		}
		list(w, r)
	})
	fw, out, code := invoke(t, c, podEnv, time.Second)
	if code != 0 || out != prevResult+"\n" || pods != 0 {
		t.Fatalf("exit %d, stdout %q, pod reads %d", code, out, pods)
	}
	if want := []string{"lock", "chain", "delete  10.88.0.5/32 "}; !slices.Equal(fw.calls, want) {
		t.Errorf("firewall calls %q, want %q", fw.calls, want)
	}
}

func TestAddLeavesNonPodsAlone(t *testing.T) {
	env := podEnv
	env.Args = "IgnoreUnknown=1"
	fw, out, code := invoke(t, Config{CNIVersion: "1.0.0"}, env, time.Second) // no API server needed
	if code != 0 || out != prevResult+"\n" || len(fw.calls) != 0 {
		t.Errorf("exit %d, stdout %q, calls %q", code, out, fw.calls)
	}
}

func TestAddNeedsAPrevResult(t *testing.T) {
	var stdout bytes.Buffer
	p := plugin{env: podEnv, fw: &standInFirewall{}, apiTimeout: time.Second}
	if code := p.run(strings.NewReader(`{"cniVersion":"0.4.0"}`), &stdout); code != 1 ||
		!strings.Contains(stdout.String(), `"cniVersion":"0.4.0","code":999,"msg":"code-runner-netpol: no prevResult`) {
		t.Errorf("exit %d, stdout %q", code, stdout.String())
	}
}

func TestDelRemovesTheContainersRules(t *testing.T) {
	env := podEnv
	env.Command = "DEL"
	fw, out, code := invoke(t, Config{}, env, time.Second)
	if code != 0 || out != "" || !slices.Equal(fw.calls, []string{"lock", "delete cr-netpol:0123456789abcdef"}) {
		t.Errorf("exit %d, stdout %q, calls %q", code, out, fw.calls)
	}
}

func TestVersionAndUnknownCommands(t *testing.T) {
	var stdout bytes.Buffer
	p := plugin{env: Env{Command: "VERSION"}, fw: &standInFirewall{}}
	if code := p.run(strings.NewReader(""), &stdout); code != 0 || !strings.Contains(stdout.String(), `"supportedVersions"`) {
		t.Errorf("VERSION: exit %d, %q", code, stdout.String())
	}
	stdout.Reset()
	p = plugin{env: Env{Command: "FOO"}, fw: &standInFirewall{}}
	if code := p.run(strings.NewReader(`{"cniVersion":"1.0.0"}`), &stdout); code != 1 ||
		stdout.String() != `{"cniVersion":"1.0.0","code":999,"msg":"code-runner-netpol: unknown CNI_COMMAND 'FOO'"}`+"\n" {
		t.Errorf("FOO: exit %d, %q", code, stdout.String())
	}
}
