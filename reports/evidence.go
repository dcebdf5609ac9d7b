package reports

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ManifestName is the SHA-256 manifest inside the evidence bundle, in the
// format sha256sum -c reads.
const ManifestName = "SHA256SUMS"

// WriteEvidence packs every regular file of dir (except the bundle itself)
// into dir/evidence.tar.gz with a SHA256SUMS manifest, so the run can be
// archived and checked later with "sha256sum -c".
func WriteEvidence(dir string) (string, error) {
	out := filepath.Join(dir, "evidence.tar.gz")
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && p != out {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("evidence: list %s: %w", dir, err)
	}
	sort.Strings(files)
	f, err := os.Create(out)
	if err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	var manifest strings.Builder
	now := time.Now()
	for _, p := range files {
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("evidence: read %s: %w", p, err)
		}
		sum := sha256.Sum256(b)
		fmt.Fprintf(&manifest, "%s  %s\n", hex.EncodeToString(sum[:]), filepath.ToSlash(rel))
		if err := addFile(tw, filepath.ToSlash(rel), b, now); err != nil {
			return "", err
		}
	}
	if err := addFile(tw, ManifestName, []byte(manifest.String()), now); err != nil {
		return "", err
	}
	if err := tw.Close(); err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	if err := gz.Close(); err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	return out, f.Close()
}

func addFile(tw *tar.Writer, name string, b []byte, t time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: t, Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("evidence: %s: %w", name, err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("evidence: %s: %w", name, err)
	}
	return nil
}

// VerifyEvidence re-reads a bundle and checks every file against the
// manifest; it returns the number of files checked.
func VerifyEvidence(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return 0, fmt.Errorf("evidence %s: %w", path, err)
	}
	tr := tar.NewReader(gz)
	sums := map[string]string{}
	var manifest string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("evidence %s: %w", path, err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return 0, fmt.Errorf("evidence %s: %s: %w", path, h.Name, err)
		}
		if h.Name == ManifestName {
			manifest = string(b)
			continue
		}
		s := sha256.Sum256(b)
		sums[h.Name] = hex.EncodeToString(s[:])
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(manifest), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			return n, fmt.Errorf("evidence: bad manifest line %q", line)
		}
		if sums[name] != sum {
			return n, fmt.Errorf("evidence: %s does not match its manifest sum", name)
		}
		n++
	}
	if n != len(sums) {
		return n, fmt.Errorf("evidence: manifest lists %d files, bundle has %d", n, len(sums))
	}
	return n, nil
}

// WriteJSON writes v as indented JSON to path.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadReport reads a report.json written earlier (for --rerun-failed).
func ReadReport(path string) (Report, error) {
	var r Report
	b, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
