package load

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestDeployManifests checks the Kubernetes manifests parse once their
// variables are filled in, and carry what a distributed run depends on
// (there is no cluster here to apply them to).
func TestDeployManifests(t *testing.T) {
	vars := strings.NewReplacer("${SHARDS}", "4", "${START_AT}", "2026-11-22T06:00:00Z", "${SCENARIO}", "ipos-verify",
		"${RATE}", "4000", "${DURATION}", "5m", "${IMAGE}", "paycert:test", "${TARGET_IMAGE}", "impl:test", "${TARGET_PORT}", "8081")
	kinds := map[string][]map[string]any{}
	for _, f := range []string{"deploy/shards-job.yaml", "deploy/merge-job.yaml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := vars.Replace(string(b))
		if strings.Contains(text, "${") {
			t.Fatalf("%s: unknown variable left after substitution", f)
		}
		dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
		for {
			var doc map[string]any
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			k, _ := doc["kind"].(string)
			kinds[k] = append(kinds[k], doc)
		}
	}
	if len(kinds["Job"]) != 2 || len(kinds["ConfigMap"]) != 1 || len(kinds["PersistentVolumeClaim"]) != 1 {
		t.Fatalf("kinds: %v", keys(kinds))
	}
	shards := kinds["Job"][0]["spec"].(map[string]any)
	if shards["completionMode"] != "Indexed" || shards["completions"] != 4 || shards["parallelism"] != 4 || shards["backoffLimit"] != 0 {
		t.Errorf("shards job spec: %v", shards)
	}
	all, _ := yaml.Marshal(kinds)
	for _, want := range []string{"JOB_COMPLETION_INDEX", "START_AT", "--shard", "--start-at", "paycert load merge", "paycert report load", "claimName: paycert-load-results"} {
		if !strings.Contains(string(all), want) {
			t.Errorf("manifests lack %q", want)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
