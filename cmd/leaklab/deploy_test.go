package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

var deployDir = filepath.Join("..", "..", "deploy", "kubernetes")

// hostsScript is make capacity-hosts' script, from this package's directory.
var hostsScript = filepath.Join("..", "..", "capacity", "scripts", "hosts.sh")

// decodeStrict decodes one YAML document into v, refusing unknown fields.
func decodeStrict(t *testing.T, doc []byte, v any) {
	t.Helper()
	require.NoError(t, yaml.UnmarshalStrict(doc, v))
}

// sharedArgs reads capacity/scripts/conns.args: the flags every segment gets.
func sharedArgs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "capacity", "scripts", "conns.args"))
	require.NoError(t, err)
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, strings.Fields(line)...)
		}
	}
	require.NotEmpty(t, out)
	return out
}

// flagsAfter splits "conns <shared...> <rest...>" and returns the rest as
// flag → value, checking the shared part is exactly the shared args.
func flagsAfter(t *testing.T, what string, args, shared []string) map[string]string {
	t.Helper()
	require.GreaterOrEqual(t, len(args), 1+len(shared), what)
	require.Equal(t, "conns", args[0], what)
	require.Equal(t, shared, args[1:1+len(shared)], "%s runs the flags of conns.args, in order", what)
	rest := args[1+len(shared):]
	out := map[string]string{}
	for i := 0; i < len(rest); i += 2 {
		require.True(t, strings.HasPrefix(rest[i], "-") && i+1 < len(rest), "%s: %q is not a flag with a value", what, rest[i])
		out[strings.TrimPrefix(rest[i], "-")] = rest[i+1]
	}
	return out
}

// expand replaces Kubernetes' $(VAR) references.
func expand(s string, env map[string]string) string {
	return regexp.MustCompile(`\$\(([A-Z_]+)\)`).ReplaceAllStringFunc(s, func(m string) string { return env[m[2:len(m)-1]] })
}

// The Job decodes strictly into batch/v1, is an Indexed Job whose index
// is the segment, and runs the command line make capacity-hosts runs on
// each client host: the same shared flags, the same target size, one
// segment per pod, every pod at the same start-at.
func TestKubernetesJobRunsTheCapacityHostsCommand(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "job.yaml"))
	require.NoError(t, err)
	require.NotContains(t, string(b), "\n---", "job.yaml holds the Job alone")
	var job batchv1.Job
	decodeStrict(t, b, &job)
	assert.Equal(t, "batch/v1", job.APIVersion)
	assert.Equal(t, "Job", job.Kind)
	require.NotNil(t, job.Spec.CompletionMode)
	assert.Equal(t, batchv1.IndexedCompletion, *job.Spec.CompletionMode)
	require.NotNil(t, job.Spec.Completions)
	require.NotNil(t, job.Spec.Parallelism)
	n := int(*job.Spec.Completions)
	assert.Equal(t, n, int(*job.Spec.Parallelism), "every segment runs at once")
	require.NotNil(t, job.Spec.BackoffLimit)
	assert.Zero(t, *job.Spec.BackoffLimit, "a retried pod would start after start-at")
	pod := job.Spec.Template.Spec
	assert.Equal(t, corev1.RestartPolicyNever, pod.RestartPolicy)
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	assert.Empty(t, c.Command, "the image's entrypoint is leaklab")

	shared := sharedArgs(t)
	jobFlags := flagsAfter(t, "the Job", c.Args, shared)
	assert.Equal(t, map[string]string{
		"target": "$(TARGET)", "connections": jobFlags["connections"],
		"segment": "$(JOB_COMPLETION_INDEX)/" + strconv.Itoa(n), "start-at": "$(START_AT)",
	}, jobFlags)
	for _, e := range c.Env {
		require.NotNil(t, e.ValueFrom, e.Name)
		require.NotNil(t, e.ValueFrom.ConfigMapKeyRef, e.Name)
		assert.Equal(t, "leaklab-conns-run", e.ValueFrom.ConfigMapKeyRef.Name, e.Name)
	}
	assert.ElementsMatch(t, []string{"TARGET", "START_AT"}, []string{c.Env[0].Name, c.Env[1].Name})

	// The same command, as make capacity-hosts gives it to its client hosts.
	script := exec.Command("bash", hostsScript, "leaklab", "--print-commands")
	script.Env = append(os.Environ(), "HOSTS="+strconv.Itoa(n), "CONNECTIONS="+jobFlags["connections"])
	out, err := script.Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, n, "one client host per pod")
	startAt := time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	for i, line := range lines {
		args := strings.Fields(line)
		require.Equal(t, "leaklab", args[0])
		hostFlags := flagsAfter(t, "client host "+strconv.Itoa(i), args[1:], shared)
		for name, value := range jobFlags {
			switch name {
			case "connections":
				assert.Equal(t, value, hostFlags[name])
			case "segment":
				assert.Equal(t, strconv.Itoa(i)+"/"+strconv.Itoa(n), hostFlags[name])
			default:
				assert.Contains(t, hostFlags, name)
			}
		}
		extra := []string{}
		for name := range hostFlags {
			if _, ok := jobFlags[name]; !ok {
				extra = append(extra, name)
			}
		}
		assert.ElementsMatch(t, []string{"source", "workers", "out"}, extra, "what only namespace hosts need")

		// Both command lines are valid leaklab conns command lines.
		env := map[string]string{"TARGET": "10.96.0.17:8080", "START_AT": startAt, "JOB_COMPLETION_INDEX": strconv.Itoa(i)}
		var pod []string
		for _, a := range c.Args[1:] {
			pod = append(pod, expand(a, env))
		}
		var stderr strings.Builder
		f, err := parseConns(pod, &stderr)
		require.NoError(t, err, stderr.String())
		assert.Equal(t, i, f.cfg.Segment.Index)
		hostArgs := args[2:]
		for j, a := range hostArgs {
			if a == "START_AT" {
				hostArgs[j] = startAt
			}
		}
		_, err = parseConns(hostArgs, &stderr)
		require.NoError(t, err, stderr.String())
	}
}

// The target the README points the Job at: leaklab server behind a
// Service, both decoded strictly.
func TestKubernetesServerManifest(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "server.yaml"))
	require.NoError(t, err)
	docs := strings.Split(string(b), "\n---\n")
	require.Len(t, docs, 2)
	var dep appsv1.Deployment
	var svc corev1.Service
	decodeStrict(t, []byte(docs[0]), &dep)
	decodeStrict(t, []byte(docs[1]), &svc)
	assert.Equal(t, "Deployment", dep.Kind)
	assert.Equal(t, "Service", svc.Kind)
	assert.Equal(t, dep.Spec.Template.Labels, svc.Spec.Selector, "the Service selects the server's pods")
	require.Len(t, dep.Spec.Template.Spec.Containers, 1)
	args := dep.Spec.Template.Spec.Containers[0].Args
	require.NotEmpty(t, args)
	assert.Equal(t, "server", args[0])
	assert.Contains(t, args, "0.0.0.0:"+strconv.Itoa(int(svc.Spec.Ports[0].Port)))
}
