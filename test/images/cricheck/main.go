// cricheck asks a containerd's CRI (the API the kubelet uses) about Code Runner's images and runs
// one container the way the kubelet would: a pod sandbox from the configured pause image (host
// network, so no CNI is needed) and a container as uid 65534 from a runtime image.
//
//	cricheck -endpoint SOCKET -logdir DIR [-run IMAGE -cmd '["python3","-c","..."]' -expect TEXT] REF...
//
// Exit 0 when every image is known to the CRI and the container printed its output and exited 0.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	cri "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func main() {
	endpoint := flag.String("endpoint", "/tmp/img-test/containerd.sock", "containerd socket")
	logDir := flag.String("logdir", "/tmp/img-test/cri-logs", "pod log directory")
	run := flag.String("run", "", "image to run a container from (empty: only check images)")
	cmd := flag.String("cmd", "[]", "command for -run, as a JSON array of strings")
	expect := flag.String("expect", "", "text the container's log must contain")
	flag.Parse()
	if err := check(*endpoint, *logDir, *run, *cmd, *expect, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL", err)
		os.Exit(1)
	}
}

func check(endpoint, logDir, run, cmd, expect string, refs []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	conn, err := grpc.NewClient("unix://"+endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	rt, img := cri.NewRuntimeServiceClient(conn), cri.NewImageServiceClient(conn)

	for _, ref := range refs {
		st, err := img.ImageStatus(ctx, &cri.ImageStatusRequest{Image: &cri.ImageSpec{Image: ref}})
		if err != nil {
			return fmt.Errorf("ImageStatus %s: %w", ref, err)
		}
		if st.Image == nil {
			return fmt.Errorf("CRI does not know %s", ref)
		}
		fmt.Printf("ok   cri image %s id=%s size=%d MB\n", ref, st.Image.Id[:19], st.Image.Size_/1e6)
	}
	if run == "" {
		return nil
	}
	var command []string
	if err := json.Unmarshal([]byte(cmd), &command); err != nil {
		return fmt.Errorf("-cmd must be a JSON array of strings: %w", err)
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	uid := fmt.Sprintf("cricheck-%d", time.Now().UnixNano())
	nobody := &cri.Int64Value{Value: 65534}
	sbConfig := &cri.PodSandboxConfig{
		Metadata:     &cri.PodSandboxMetadata{Name: "cricheck", Namespace: "default", Uid: uid},
		LogDirectory: logDir,
		Linux: &cri.LinuxPodSandboxConfig{SecurityContext: &cri.LinuxSandboxSecurityContext{
			NamespaceOptions: &cri.NamespaceOption{Network: cri.NamespaceMode_NODE, Pid: cri.NamespaceMode_POD},
			RunAsUser:        nobody,
		}},
	}
	sb, err := rt.RunPodSandbox(ctx, &cri.RunPodSandboxRequest{Config: sbConfig})
	if err != nil {
		return fmt.Errorf("RunPodSandbox (pause image): %w", err)
	}
	defer func() {
		_, _ = rt.StopPodSandbox(context.Background(), &cri.StopPodSandboxRequest{PodSandboxId: sb.PodSandboxId})
		_, _ = rt.RemovePodSandbox(context.Background(), &cri.RemovePodSandboxRequest{PodSandboxId: sb.PodSandboxId})
	}()
	fmt.Printf("ok   cri pod sandbox %s running (pause)\n", sb.PodSandboxId[:12])
	c, err := rt.CreateContainer(ctx, &cri.CreateContainerRequest{
		PodSandboxId:  sb.PodSandboxId,
		SandboxConfig: sbConfig,
		Config: &cri.ContainerConfig{
			Metadata: &cri.ContainerMetadata{Name: "main"},
			Image:    &cri.ImageSpec{Image: run},
			Command:  command,
			LogPath:  "main.log",
			Linux: &cri.LinuxContainerConfig{SecurityContext: &cri.LinuxContainerSecurityContext{
				RunAsUser:        nobody,
				NoNewPrivs:       true,
				NamespaceOptions: &cri.NamespaceOption{Network: cri.NamespaceMode_NODE, Pid: cri.NamespaceMode_POD},
				Capabilities:     &cri.Capability{DropCapabilities: []string{"ALL"}},
			}},
		},
	})
	if err != nil {
		return fmt.Errorf("CreateContainer %s: %w", run, err)
	}
	if _, err := rt.StartContainer(ctx, &cri.StartContainerRequest{ContainerId: c.ContainerId}); err != nil {
		return fmt.Errorf("StartContainer %s: %w", run, err)
	}
	var st *cri.ContainerStatus
	for {
		s, err := rt.ContainerStatus(ctx, &cri.ContainerStatusRequest{ContainerId: c.ContainerId})
		if err != nil {
			return fmt.Errorf("ContainerStatus: %w", err)
		}
		if st = s.Status; st.State == cri.ContainerState_CONTAINER_EXITED {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, _ = rt.RemoveContainer(context.Background(), &cri.RemoveContainerRequest{ContainerId: c.ContainerId})
	logBytes, _ := os.ReadFile(filepath.Join(logDir, "main.log"))
	log := strings.TrimSpace(string(logBytes))
	if st.ExitCode != 0 || !strings.Contains(log, expect) {
		return fmt.Errorf("container from %s: exit %d, reason %q, log %q", run, st.ExitCode, st.Reason, log)
	}
	fmt.Printf("ok   cri container from %s as uid 65534: %s\n", run, lastLine(log))
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	return lines[len(lines)-1]
}
