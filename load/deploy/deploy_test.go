package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"paycert/load"
)

// deployVars fills in the manifests' envsubst variables as README.md's
// example does.
var deployVars = strings.NewReplacer("${SHARDS}", "4", "${START_AT}", "2026-11-22T06:00:00Z", "${SCENARIO}", "ipos-verify",
	"${RATE}", "4000", "${DURATION}", "5m", "${IMAGE}", "registry.example/paycert:v1", "${TARGET_IMAGE}", "impl:test",
	"${TARGET_PORT}", "8081", "${TARGET_URL}", "http://ipos-impl.payments.svc.cluster.local:8081/trans")

// manifests are the decoded objects of the deploy directory.
type manifests struct {
	jobs       map[string]*batchv1.Job // by file
	configMaps []*corev1.ConfigMap
	claims     []*corev1.PersistentVolumeClaim
}

// decodeManifests decodes every document of the files strictly into the
// Kubernetes API types: an unknown (misspelt) field, a field in the wrong
// case, a duplicate, a wrong type or an unknown kind is an error. It decodes
// as the API server does (YAML to JSON, then sigs.k8s.io/json, case
// sensitive): yaml.UnmarshalStrict alone goes through encoding/json, which
// takes "restartpolicy" for "restartPolicy".
func decodeManifests(files map[string]string) (*manifests, error) {
	m := &manifests{jobs: map[string]*batchv1.Job{}}
	for name, text := range files {
		if left := regexp.MustCompile(`\$\{[A-Z_]+\}`).FindString(text); left != "" {
			return nil, fmt.Errorf("%s: variable %s left after substitution", name, left)
		}
		for i, doc := range regexp.MustCompile(`(?m)^---$`).Split(text, -1) {
			var head struct{ APIVersion, Kind string }
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, fmt.Errorf("%s document %d: %w", name, i, err)
			}
			var obj any
			switch head.APIVersion + " " + head.Kind {
			case "batch/v1 Job":
				j := &batchv1.Job{}
				m.jobs[name], obj = j, j
			case "v1 ConfigMap":
				c := &corev1.ConfigMap{}
				m.configMaps, obj = append(m.configMaps, c), c
			case "v1 PersistentVolumeClaim":
				c := &corev1.PersistentVolumeClaim{}
				m.claims, obj = append(m.claims, c), c
			default:
				return nil, fmt.Errorf("%s document %d: unexpected %q %q", name, i, head.APIVersion, head.Kind)
			}
			js, err := yaml.YAMLToJSONStrict([]byte(doc))
			if err != nil {
				return nil, fmt.Errorf("%s document %d (%s): %w", name, i, head.Kind, err)
			}
			strict, err := sigsjson.UnmarshalStrict(js, obj, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
			if err == nil && len(strict) > 0 {
				err = errors.Join(strict...)
			}
			if err != nil {
				return nil, fmt.Errorf("%s document %d (%s): %w", name, i, head.Kind, err)
			}
		}
	}
	return m, nil
}

func readManifests(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	paths, _ := filepath.Glob("*.yaml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = deployVars.Replace(string(b))
	}
	return files
}

// TestDeployManifests decodes the Kubernetes manifests strictly into the
// k8s.io/api types (there is no cluster here to apply them to) and checks
// what a distributed run depends on: a remote Service by default, the
// sidecar as the alternative, shards that are never rerun, and volumes,
// claims and config maps that refer to each other by the right names.
func TestDeployManifests(t *testing.T) {
	files := readManifests(t)
	m, err := decodeManifests(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.jobs) != 3 || len(m.configMaps) != 1 || len(m.claims) != 1 {
		t.Fatalf("jobs %d (want shards, sidecar shards, merge), config maps %d, claims %d", len(m.jobs), len(m.configMaps), len(m.claims))
	}
	claim, slo := m.claims[0].Name, m.configMaps[0]
	sloFile := filepath.Join(t.TempDir(), "slo.yaml")
	if err := os.WriteFile(sloFile, []byte(slo.Data["slo.yaml"]), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := load.LoadSLO(sloFile); err != nil {
		t.Errorf("the SLO config map is not a valid paycert SLO file: %v", err)
	}
	for file, j := range m.jobs {
		spec := &j.Spec.Template.Spec
		if j.Spec.BackoffLimit == nil || *j.Spec.BackoffLimit != 0 || spec.RestartPolicy != corev1.RestartPolicyNever {
			t.Errorf("%s: a pod must never be rerun (backoffLimit 0, restartPolicy Never)", file)
		}
		if j.Spec.ActiveDeadlineSeconds == nil {
			t.Errorf("%s: no activeDeadlineSeconds: the Job is not bounded", file)
		}
		pc := spec.Containers[0]
		if pc.Image != "registry.example/paycert:v1" {
			t.Errorf("%s: container %s runs %q, not the paycert image (${IMAGE})", file, pc.Name, pc.Image)
		}
		vols := map[string]corev1.Volume{}
		for _, v := range spec.Volumes {
			vols[v.Name] = v
		}
		for _, vm := range pc.VolumeMounts {
			v, ok := vols[vm.Name]
			switch {
			case !ok:
				t.Errorf("%s: mount %s has no volume", file, vm.Name)
			case v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName != claim:
				t.Errorf("%s: claim %q, the claim is %q", file, v.PersistentVolumeClaim.ClaimName, claim)
			case v.ConfigMap != nil && v.ConfigMap.Name != slo.Name:
				t.Errorf("%s: config map %q, the config map is %q", file, v.ConfigMap.Name, slo.Name)
			}
		}
		if file == "merge-job.yaml" {
			for _, want := range []string{"paycert load merge", "--output \"/results/$SCENARIO-merged.bin\"", "paycert report load \"/results/$SCENARIO-merged.bin\""} {
				if !strings.Contains(strings.Join(pc.Args, " "), want) {
					t.Errorf("%s: the script lacks %q", file, want)
				}
			}
			continue
		}
		// The shards.
		if j.Spec.CompletionMode == nil || *j.Spec.CompletionMode != batchv1.IndexedCompletion || *j.Spec.Completions != 4 || *j.Spec.Parallelism != 4 {
			t.Errorf("%s: not an Indexed Job of 4 shards at once", file)
		}
		if p := j.Spec.PodFailurePolicy; p == nil || p.Rules[0].OnExitCodes == nil || *p.Rules[0].OnExitCodes.ContainerName != pc.Name {
			t.Errorf("%s: the pod failure policy does not name the paycert container %q", file, pc.Name)
		}
		script := strings.Join(pc.Args, " ")
		for _, want := range []string{"--shard \"$JOB_COMPLETION_INDEX/$SHARDS\"", "--start-at \"$START_AT\"", "--target \"$TARGET\"", "[ \"$rc\" -eq 99 ] && exit 0"} {
			if !strings.Contains(script, want) {
				t.Errorf("%s: the script lacks %q", file, want)
			}
		}
		env := map[string]string{}
		for _, e := range pc.Env {
			env[e.Name] = e.Value
		}
		switch file {
		case "shards-job.yaml":
			if env["TARGET"] != "http://ipos-impl.payments.svc.cluster.local:8081/trans" || !strings.Contains(script, "--allow-remote") || len(spec.InitContainers) != 0 {
				t.Errorf("%s: does not load the Service ${TARGET_URL} with --allow-remote (TARGET=%q)", file, env["TARGET"])
			}
		case "shards-job-sidecar.yaml":
			sc := spec.InitContainers
			if len(sc) != 1 || sc[0].RestartPolicy == nil || *sc[0].RestartPolicy != corev1.ContainerRestartPolicyAlways || sc[0].Image != "impl:test" ||
				env["TARGET"] != "http://127.0.0.1:8081/" || strings.Contains(script, "--allow-remote") {
				t.Errorf("%s: not a native sidecar loaded on loopback (TARGET=%q)", file, env["TARGET"])
			}
		default:
			t.Errorf("unexpected job file %s", file)
		}
	}
}

// TestDeployManifestsStrict: the decoding above refuses what the API server
// would, so a misspelt field cannot pass the test unnoticed.
func TestDeployManifestsStrict(t *testing.T) {
	files := readManifests(t)
	for _, tc := range []struct{ file, from, to string }{
		{"shards-job.yaml", "backoffLimit:", "backofLimit:"},
		{"shards-job.yaml", "completionMode: Indexed", "completionMode: [Indexed]"},
		{"merge-job.yaml", "restartPolicy: Never", "restartpolicy: Never"},
		{"merge-job.yaml", "backoffLimit: 0", "backoffLimit: 0\n  backoffLimit: 1"},
		{"common.yaml", "accessModes:", "accesModes:"},
		{"shards-job-sidecar.yaml", "readinessProbe:", "readynessProbe:"},
	} {
		broken := maps(files)
		if !strings.Contains(broken[tc.file], tc.from) {
			t.Fatalf("%s lacks %q", tc.file, tc.from)
		}
		broken[tc.file] = strings.Replace(broken[tc.file], tc.from, tc.to, 1)
		if _, err := decodeManifests(broken); err == nil {
			t.Errorf("%s with %q decoded without an error", tc.file, tc.to)
		}
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestDockerfileCarriesLinkedLibraries: every shared library the paycert
// binary links is installed in the Dockerfile's runtime stage by the Debian
// package that provides it (libpcsclite.so.1 from libpcsclite1), libc aside
// (the base image's). There is no docker daemon here to build the image.
func TestDockerfileCarriesLinkedLibraries(t *testing.T) {
	for _, tool := range []string{"ldd", "dpkg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: the Dockerfile's libraries are checked on Debian", tool)
		}
	}
	df, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	stages := regexp.MustCompile(`(?m)^FROM `).Split(string(df), -1)
	runtime := stages[len(stages)-1]
	if len(stages) < 3 || !strings.Contains(runtime, "COPY --from=build") {
		t.Fatalf("the Dockerfile is not multi-stage with a runtime stage copying the build's binary")
	}
	bin := filepath.Join(t.TempDir(), "paycert")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/paycert").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		t.Fatalf("ldd: %v", err)
	}
	base := []string{"libc6"} // in every Debian base image
	var libs int
	for _, m := range regexp.MustCompile(`(?m)^\s*(\S+\.so\.\d+) => (\S+)`).FindAllStringSubmatch(string(out), -1) {
		libs++
		real, _ := filepath.EvalSymlinks(m[2])
		who, err := exec.Command("dpkg", "-S", m[2]).Output()
		if err != nil && real != "" {
			who, err = exec.Command("dpkg", "-S", real).Output()
		}
		if err != nil {
			t.Errorf("%s (%s): no Debian package provides it: %v", m[1], m[2], err)
			continue
		}
		pkg, _, _ := strings.Cut(strings.TrimSpace(string(who)), ":")
		if slices.Contains(base, pkg) {
			continue
		}
		if !regexp.MustCompile(`apt-get install[^\n]*(\\\n[^\n]*)*\b` + regexp.QuoteMeta(pkg) + `\b`).MatchString(runtime) {
			t.Errorf("the binary links %s from %s, which the Dockerfile's runtime stage does not install", m[1], pkg)
		}
	}
	if libs == 0 || !bytes.Contains(out, []byte("libpcsclite")) {
		t.Errorf("ldd found no libpcsclite: the check ran on a binary that is not paycert's\n%s", out)
	}
}
