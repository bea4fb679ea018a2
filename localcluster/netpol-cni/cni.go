package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Config: our entry of the conflist, as the runtime passes it on stdin (prevResult added by the runtime).
type Config struct {
	CNIVersion string          `json:"cniVersion"`
	APIServer  string          `json:"apiServer"`
	CAFile     string          `json:"caFile"`
	CertFile   string          `json:"certFile"`
	KeyFile    string          `json:"keyFile"`
	LogFile    string          `json:"logFile"`
	PrevResult json.RawMessage `json:"prevResult"`
}

// decodeConfig: only ADD needs the config; VERSION and DEL work without one.
func decodeConfig(raw []byte, c *Config) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errors.New("no config on stdin")
	}
	return json.Unmarshal(raw, c)
}

// Env: the CNI_* variables of one invocation.
type Env struct {
	Command, ContainerID, Netns, Args string
}

func envFromOS() Env {
	return Env{
		Command:     os.Getenv("CNI_COMMAND"),
		ContainerID: os.Getenv("CNI_CONTAINERID"),
		Netns:       os.Getenv("CNI_NETNS"),
		Args:        os.Getenv("CNI_ARGS"),
	}
}

// Arg: the first KEY=value of CNI_ARGS ("K8S_POD_NAMESPACE=a;K8S_POD_NAME=b;..."), or "".
func (e Env) Arg(key string) string {
	for _, kv := range strings.Split(e.Args, ";") {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// ShortID: the first 16 characters of the container id, which tag its rules.
func (e Env) ShortID() string {
	if len(e.ContainerID) > 16 {
		return e.ContainerID[:16]
	}
	return e.ContainerID
}

// podIPv4: the first IPv4 address of the previous plugin's result, without its prefix length.
func podIPv4(prev json.RawMessage) string {
	var r struct {
		IPs []struct {
			Address string `json:"address"`
		} `json:"ips"`
	}
	if json.Unmarshal(prev, &r) != nil {
		return ""
	}
	for _, ip := range r.IPs {
		if strings.Contains(ip.Address, ".") {
			addr, _, _ := strings.Cut(ip.Address, "/")
			return addr
		}
	}
	return ""
}

// writeJSON: compact JSON and a newline, without HTML escaping (what `jq -c` printed).
func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// errorResult: the CNI error the runtime shows in the pod's events.
type errorResult struct {
	CNIVersion string `json:"cniVersion"`
	Code       int    `json:"code"`
	Msg        string `json:"msg"`
}

// logger appends "<UTC time> <command> <message>" lines to the configured log file, best effort.
type logger struct {
	file, command string
}

func (l logger) Printf(format string, args ...any) {
	if l.file == "" {
		return
	}
	f, err := os.OpenFile(l.file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	cmd := l.command
	if cmd == "" {
		cmd = "?"
	}
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ") // one line per entry
	fmt.Fprintf(f, "%s %s %s\n", time.Now().UTC().Format("2006-01-02T15:04:05Z"), cmd, msg)
}
