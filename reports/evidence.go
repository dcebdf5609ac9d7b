package reports

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// bundleFile is one file of an evidence bundle, by its slash-separated path.
type bundleFile struct {
	Name string
	Data []byte
}

// WriteEvidence packs every regular file of dir (except the bundle itself)
// into dir/evidence.tar.gz with a SHA256SUMS manifest, so the run can be
// archived and checked later with "sha256sum -c".
func WriteEvidence(dir string) (string, error) {
	out := filepath.Join(dir, "evidence.tar.gz")
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && p != out {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("evidence: list %s: %w", dir, err)
	}
	sort.Strings(paths)
	var files []bundleFile
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("evidence: read %s: %w", p, err)
		}
		files = append(files, bundleFile{Name: filepath.ToSlash(rel), Data: b})
	}
	if err := writeBundle(out, files, nil); err != nil {
		return "", err
	}
	return out, nil
}

// manifestOf is the SHA256SUMS content for files, in their order.
func manifestOf(files []bundleFile) []byte {
	var m bytes.Buffer
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		fmt.Fprintf(&m, "%s  %s\n", hex.EncodeToString(sum[:]), f.Name)
	}
	return m.Bytes()
}

// writeBundle writes files, their manifest and, when sig is not nil, the
// signature over the manifest. It writes a temporary file and renames it,
// so signing a bundle in place never leaves half a bundle behind.
func writeBundle(out string, files []bundleFile, sig []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".evidence-*.tmp")
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	gz := gzip.NewWriter(tmp)
	tw := tar.NewWriter(gz)
	now := time.Now()
	for _, f := range files {
		if err := addFile(tw, f.Name, f.Data, now); err != nil {
			return err
		}
	}
	if err := addFile(tw, ManifestName, manifestOf(files), now); err != nil {
		return err
	}
	if sig != nil {
		if err := addFile(tw, SignatureName, sig, now); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
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

// Verification is what VerifyPackage found.
type Verification struct {
	Files     int        // files that match the manifest
	Signature *Signature // nil: the bundle is not signed
}

// VerifyEvidence re-reads a bundle and checks every file against the
// manifest, and the signature over the manifest when there is one; it
// returns the number of files checked.
func VerifyEvidence(path string) (int, error) {
	v, err := VerifyPackage(path)
	return v.Files, err
}

// VerifyPackage checks a bundle like VerifyEvidence and says who signed it.
// A signed bundle whose report.json names another signer than the one whose
// key made the signature fails: the HTML would vouch for the wrong party.
func VerifyPackage(path string) (Verification, error) {
	files, manifest, sig, err := readBundle(path)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Files: len(files)}
	if sig == nil {
		return v, nil
	}
	s, err := verifySignature(sig, manifest)
	if err != nil {
		return v, fmt.Errorf("evidence %s: %w", path, err)
	}
	v.Signature = &s
	for _, f := range files {
		if f.Name != "report.json" {
			continue
		}
		var r Report
		if err := json.Unmarshal(f.Data, &r); err != nil {
			return v, fmt.Errorf("evidence %s: report.json: %w", path, err)
		}
		if r.Signature == nil || r.Signature.Fingerprint != s.Fingerprint {
			return v, fmt.Errorf("evidence %s: report.json does not name the key that signed the bundle (%s)", path, s.Fingerprint)
		}
		v.Signature.Name = r.Signature.Name // covered by the signature, so as trustworthy as the key
	}
	return v, nil
}

// readBundle reads every file of a bundle and checks it against the
// manifest. It returns the files in bundle order, the manifest, and the
// signature file (nil when the bundle is unsigned).
func readBundle(path string) (files []bundleFile, manifest, sig []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("evidence %s: %w", path, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("evidence %s: %w", path, err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("evidence %s: %s: %w", path, h.Name, err)
		}
		switch h.Name {
		case ManifestName:
			manifest = b
		case SignatureName:
			sig = b
		default:
			files = append(files, bundleFile{Name: h.Name, Data: b})
		}
	}
	if manifest == nil {
		return nil, nil, nil, fmt.Errorf("evidence %s: no %s manifest", path, ManifestName)
	}
	sums := map[string]string{}
	for _, f := range files {
		s := sha256.Sum256(f.Data)
		sums[f.Name] = hex.EncodeToString(s[:])
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(manifest)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			return nil, nil, nil, fmt.Errorf("evidence %s: bad manifest line %q", path, line)
		}
		if sums[name] != sum {
			return nil, nil, nil, fmt.Errorf("evidence %s: %s does not match its manifest sum", path, name)
		}
		n++
	}
	if n != len(sums) {
		return nil, nil, nil, fmt.Errorf("evidence %s: manifest lists %d files, bundle has %d", path, n, len(sums))
	}
	return files, manifest, sig, nil
}

// SignEvidence signs the manifest of the bundle at path and rewrites the
// bundle with the signature. The report inside (report.json, index.html)
// is updated first to name the signer, so the HTML a manager opens says who
// vouches for it and the signature covers that statement too; copies of
// those two files next to the bundle (the run directory) are updated to
// match. The bundle must verify before it is signed: signing a tampered
// package would vouch for the tampering.
func SignEvidence(path string, s *Signer, now time.Time) (Signature, error) {
	files, _, _, err := readBundle(path)
	if err != nil {
		return Signature{}, fmt.Errorf("sign: %w", err)
	}
	sig := Signature{Algorithm: s.Algorithm(), Fingerprint: s.Fingerprint(), Signed: now.UTC().Truncate(time.Second), Name: s.Name}
	updated := map[string][]byte{}
	if i := indexOf(files, "report.json"); i >= 0 {
		var r Report
		if err := json.Unmarshal(files[i].Data, &r); err != nil {
			return sig, fmt.Errorf("sign: %s: report.json: %w", path, err)
		}
		r.Signature = &sig
		b, err := marshalReport(r)
		if err != nil {
			return sig, fmt.Errorf("sign: %w", err)
		}
		files[i].Data, updated["report.json"] = b, b
		if j := indexOf(files, "index.html"); j >= 0 {
			var page bytes.Buffer
			if err := WriteHTML(&page, r); err != nil {
				return sig, fmt.Errorf("sign: %w", err)
			}
			files[j].Data, updated["index.html"] = page.Bytes(), page.Bytes()
		}
	}
	sigFile, err := s.encodeSignature(manifestOf(files), sig.Signed)
	if err != nil {
		return sig, fmt.Errorf("sign: %w", err)
	}
	if err := writeBundle(path, files, sigFile); err != nil {
		return sig, fmt.Errorf("sign: %w", err)
	}
	dir := filepath.Dir(path)
	for name, b := range updated {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			continue // a bundle copied away from its run directory
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return sig, fmt.Errorf("sign: update %s: %w", p, err)
		}
	}
	return sig, nil
}

func indexOf(files []bundleFile, name string) int {
	for i, f := range files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func marshalReport(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteJSON writes v as indented JSON to path.
func WriteJSON(path string, v any) error {
	b, err := marshalReport(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
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
