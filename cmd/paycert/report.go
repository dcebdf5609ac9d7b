package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/reports"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:    "report",
		Summary: "Write, sign or check reports (load HTML pages, evidence bundles)",
		Usage:   "report <command> [arguments]",
		Help: `Reports of certification runs are written by 'paycert certify' itself; these
commands work on what runs left behind.

Examples:
  paycert report load results.bin --output load.html
  paycert report sign --key lab-ed25519.pem reports/out/20261122T050102Z-1a2b
  paycert report verify reports/out/20261122T050102Z-1a2b/evidence.tar.gz`,
		Subs: []*cli.Command{reportLoadCommand(), reportSignCommand(), reportVerifyCommand()},
	}
}

// bundlePath accepts what a user has at hand: the bundle itself, the run
// directory holding it, or a run id under reports/out.
func bundlePath(arg string) string {
	if strings.HasSuffix(arg, ".tar.gz") {
		return arg
	}
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		return filepath.Join(arg, "evidence.tar.gz")
	}
	return filepath.Join("reports", "out", arg, "evidence.tar.gz")
}

func reportSignCommand() *cli.Command {
	var key, name *string
	cmd := &cli.Command{
		Name:    "sign",
		Summary: "Sign a certification package (the evidence bundle's manifest)",
		Usage:   "report sign --key KEY.pem [--name WHO] RUN|RUN-DIR|EVIDENCE.tar.gz",
		Help: `Signs the SHA256SUMS manifest of a run's evidence bundle, so whoever receives
the package can tell that nothing in it changed since, and who vouches for it.
Before signing, report.json and index.html (in the bundle and in the run
directory) are updated to name the signer's key fingerprint, so the HTML a
manager opens says who signed it and the signature covers that statement.
The bundle must verify first: a tampered package is not signed.

KEY is a PEM private key file: Ed25519 (PKCS#8; 'openssl genpkey -algorithm
ed25519 -out key.pem') or SM2 (PKCS#8 or SEC 1; 'paycert sm2 keygen --pem >
key.pem'). --name adds who signs, in words, next to the fingerprint in the
report; the signature covers it. SM2 signs with SM3withSM2 under the default user ID
1234567812345678. The signature and the public key travel in the bundle as
SHA256SUMS.sig; signing again replaces it. The key itself is never printed.

Examples:
  paycert report sign --key lab-ed25519.pem --name 'ACME payments QA lab' reports/out/20261122T050102Z-1a2b
  paycert report sign --key sm2-key.pem reports/out/20261122T050102Z-1a2b/evidence.tar.gz`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		key = fs.String("key", "", "PEM private key file (Ed25519 or SM2)")
		name = fs.String("name", "", "who signs, as the report should show it (e.g. 'ACME payments QA lab'); the key fingerprint is what verify checks")
	}
	cmd.Run = func(_ context.Context, io cli.IO, pos []string) error {
		if len(pos) != 1 {
			return cli.Usagef("name one run, run directory or evidence bundle")
		}
		if *key == "" {
			return cli.Usagef("--key is required")
		}
		b, err := os.ReadFile(*key)
		if err != nil {
			// The value is not echoed: a key pasted where its file name
			// belongs must not end up in a terminal log.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return cli.Usagef("--key: cannot read the key file: %v", err)
		}
		signer, err := reports.ParseSigningKey(b)
		if err != nil {
			return cli.Usagef("--key: %v", err)
		}
		signer.Name = *name
		path := bundlePath(pos[0])
		sig, err := reports.SignEvidence(path, signer, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Stdout, "%s: signed by %s (%s)\n", path, sig.Fingerprint, sig.Algorithm)
		return nil
	}
	return cmd
}

func reportVerifyCommand() *cli.Command {
	var signer *string
	cmd := &cli.Command{
		Name:    "verify",
		Summary: "Check an evidence bundle against its manifest and signature",
		Usage:   "report verify [--signer FINGERPRINT] RUN|RUN-DIR|EVIDENCE.tar.gz",
		Help: `Re-reads every file in an evidence bundle and compares it with the SHA256SUMS
manifest written with it. When the bundle is signed ('paycert report sign'),
checks the signature over the manifest and that report.json names the same
key, and prints the signer's key fingerprint: compare it with the one the
signer gave you, or pass it as --signer to have verify compare it.

Exit 0 when every file matches (and, with --signer, the bundle is signed by
that key); 1 otherwise.

Examples:
  paycert report verify reports/out/20261122T050102Z-1a2b/evidence.tar.gz
  paycert report verify --signer sha256:3f2a... reports/out/20261122T050102Z-1a2b`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		signer = fs.String("signer", "", "require a signature by this key fingerprint (sha256:...)")
	}
	cmd.Run = func(_ context.Context, io cli.IO, pos []string) error {
		if len(pos) != 1 {
			return cli.Usagef("name one run, run directory or evidence bundle")
		}
		path := bundlePath(pos[0])
		v, err := reports.VerifyPackage(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Stdout, "%s: %d files match the manifest\n", path, v.Files)
		if v.Signature == nil {
			fmt.Fprintf(io.Stdout, "not signed ('paycert report sign --key KEY' signs it)\n")
			if *signer != "" {
				return fmt.Errorf("%s is not signed; --signer %s required a signature", path, *signer)
			}
			return nil
		}
		s := v.Signature
		fmt.Fprintf(io.Stdout, "signed by %s (%s) on %s\n", s.Fingerprint, s.Algorithm, s.Signed.Format("2006-01-02 15:04 MST"))
		if s.Name != "" {
			fmt.Fprintf(io.Stdout, "the signer names themselves %q\n", s.Name)
		}
		if *signer != "" && !strings.EqualFold(*signer, s.Fingerprint) {
			return fmt.Errorf("%s is signed by %s, not by --signer %s", path, s.Fingerprint, *signer)
		}
		return nil
	}
	return cmd
}
