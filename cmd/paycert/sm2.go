package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
)

// sm2Command is "paycert sm2": the SM2/SM3 tools an engineer uses while a
// Huzhou (seed 003) certification fails on a signature.
func sm2Command() *cli.Command {
	return &cli.Command{
		Name:    "sm2",
		Summary: "SM2 keys, SM3withSM2 sign/verify, SM3 digests and JSON sign domains",
		Usage:   "sm2 <command> [arguments]",
		Help: `Tools for the SM3withSM2 signatures seed 003 (Huzhou transit card) puts in the
"sign" member of every JSON message. Keys are hex (raw 32-byte scalar; 02/03
compressed, 04 uncompressed or bare X||Y point) or PEM files; signatures are
128 hex digits r||s, as the platform sends them, or DER hex.

Examples:
  paycert sm2 keygen --pem > key.pem
  paycert sm2 domain req.json | paycert sm2 sign --key key.pem -
  paycert sm2 domain req.json | paycert sm2 verify --pub 03D4BF6F... --sig DE5463... -`,
		Subs: []*cli.Command{
			sm2KeygenCommand(),
			sm2SignCommand(),
			sm2VerifyCommand(),
			sm2SM3Command(),
			sm2DomainCommand(),
		},
	}
}

func sm2KeygenCommand() *cli.Command {
	var asPEM *bool
	cmd := &cli.Command{
		Name:    "keygen",
		Summary: "Generate an SM2 key pair",
		Usage:   "sm2 keygen [--pem]",
		Help: `Generates a key pair from the system's secure random source and prints the
private scalar and the public point (compressed and uncompressed) as hex, or
with --pem the private key as PKCS#8 and the public key as PKIX PEM blocks.
The private key is a secret: keep test keys out of shared logs.

Examples:
  paycert sm2 keygen
  paycert sm2 keygen --pem > key.pem   # one file for both --key key.pem and --pub key.pem`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		asPEM = fs.Bool("pem", false, "print PEM (PKCS#8 private key, PKIX public key) instead of hex")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("keygen takes no arguments")
		}
		k, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		if *asPEM {
			priv, err := k.MarshalPEM()
			if err != nil {
				return err
			}
			pub, err := k.Public().MarshalPEM()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(tio.Stdout, "%s%s", priv, pub)
			return err
		}
		_, err = fmt.Fprintf(tio.Stdout, "private             %s\npublic              %s\npublic-uncompressed %s\n",
			k.Hex(), k.Public().Hex(true), k.Public().Hex(false))
		return err
	}
	return cmd
}

func sm2SignCommand() *cli.Command {
	var (
		keyArg *string
		id     *string
		der    *bool
	)
	cmd := &cli.Command{
		Name:    "sign",
		Summary: "Sign a message with SM3withSM2",
		Usage:   "sm2 sign --key K [--id ID] [--der] [FILE|-]",
		Help: `Signs the exact bytes of FILE (or standard input) with SM3withSM2: e =
SM3(ZA || message), ZA computed with user ID --id. Prints the signature as 128
hex digits r||s, or DER hex with --der. Signatures are randomised: signing
twice gives different, equally valid values.

K is the private key as 64 hex digits, or the path of a file holding it (hex
or PEM, PKCS#8 or SEC 1). To sign a JSON message the way seed 003 does, sign
its sign domain ('paycert sm2 domain'), not the file as sent.

Examples:
  paycert sm2 sign --key 3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8 msg.txt
  paycert sm2 domain req.json | paycert sm2 sign --key key.pem --id 1234567812345678 -
  echo -n hello | paycert sm2 sign --key key.pem --der`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		keyArg = fs.String("key", "", "private key: hex scalar or path to a hex/PEM file (required)")
		id = fs.String("id", sm2.DefaultUID, "SM2 user ID hashed into ZA")
		der = fs.Bool("der", false, "print the signature as DER hex instead of r||s")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if *keyArg == "" {
			return cli.Usagef("--key is required")
		}
		msg, err := sm2ReadInput(tio, pos)
		if err != nil {
			return err
		}
		k, err := cli.LoadKey(*keyArg, sm2.ParsePrivateKey)
		if err != nil {
			return &cli.ExitError{Code: 2, Err: err}
		}
		sig, err := sm2.Sign(rand.Reader, k, []byte(*id), msg)
		if err != nil {
			return err
		}
		out := sig.Hex()
		if *der {
			out = fmt.Sprintf("%x", sig.DER())
		}
		_, err = fmt.Fprintln(tio.Stdout, out)
		return err
	}
	return cmd
}

func sm2VerifyCommand() *cli.Command {
	var (
		pubArg *string
		sigArg *string
		id     *string
	)
	cmd := &cli.Command{
		Name:    "verify",
		Summary: "Verify an SM3withSM2 signature",
		Usage:   "sm2 verify --pub P --sig S [--id ID] [FILE|-]",
		Help: `Verifies signature S over the exact bytes of FILE (or standard input) under
public key P and user ID --id. Exit status 0 and "signature OK" when it
verifies; 1 and "signature does NOT verify" when not; 2 for unusable input.

P is the public key as hex (02/03 compressed, 04 uncompressed, or X||Y), or the
path of a file holding it (hex or PEM). S is 128 hex digits r||s, as seed 003
prints it, or DER hex.

Examples:
  paycert sm2 verify --pub 03D4BF6F9D18FE636245FBDEE131518108406B5ADA2EC486685C543419AA36E8A9 --sig DE5463... msg.txt
  paycert sm2 domain reply.json | paycert sm2 verify --pub centre.pem --sig "$(jq -r .sign reply.json)" -`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		pubArg = fs.String("pub", "", "public key: hex point or path to a hex/PEM file (required)")
		sigArg = fs.String("sig", "", "signature: r||s hex (128 digits) or DER hex (required)")
		id = fs.String("id", sm2.DefaultUID, "SM2 user ID hashed into ZA")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if *pubArg == "" || *sigArg == "" {
			return cli.Usagef("--pub and --sig are required")
		}
		pub, err := cli.LoadKey(*pubArg, sm2.ParsePublicKey)
		if err != nil {
			return &cli.ExitError{Code: 2, Err: err}
		}
		sig, err := sm2.ParseSignature([]byte(*sigArg))
		if err != nil {
			return &cli.ExitError{Code: 2, Err: err}
		}
		msg, err := sm2ReadInput(tio, pos)
		if err != nil {
			return err
		}
		if !sm2.Verify(pub, []byte(*id), msg, sig) {
			return &cli.ExitError{Code: 1, Err: errors.New("signature does NOT verify")}
		}
		_, err = fmt.Fprintln(tio.Stdout, "signature OK")
		return err
	}
	return cmd
}

func sm2SM3Command() *cli.Command {
	cmd := &cli.Command{
		Name:    "sm3",
		Summary: "Print the SM3 digest of a file",
		Usage:   "sm2 sm3 [FILE|-]",
		Help: `Prints the SM3 (GB/T 32905) digest of FILE, or of standard input, as 64 hex
digits. Plain SM3, without ZA: for the value SM3withSM2 signs, use 'sm2 sign'.

Examples:
  echo -n abc | paycert sm2 sm3       # 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0
  paycert sm2 sm3 req.json`,
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		r, closeFn, err := sm2OpenInput(tio, pos)
		if err != nil {
			return err
		}
		defer closeFn()
		h := sm2.NewSM3()
		if _, err := io.Copy(h, r); err != nil {
			return fmt.Errorf("read input: %w", err)
		}
		_, err = fmt.Fprintf(tio.Stdout, "%x\n", h.Sum(nil))
		return err
	}
	return cmd
}

func sm2DomainCommand() *cli.Command {
	names := make([]string, 0, 4)
	for _, p := range signdomain.Profiles() {
		names = append(names, string(p))
	}
	var profile *string
	cmd := &cli.Command{
		Name:    "domain",
		Summary: "Print the bytes a JSON message's signature covers",
		Usage:   "sm2 domain [--profile P] [FILE|-]",
		Help: `Prints the sign domain of a JSON message: the exact bytes SM3withSM2 signs,
with nothing added (no trailing newline), ready to pipe into 'sm2 sign' or
'sm2 verify'. Profiles (` + strings.Join(names, ", ") + `):
  sign-empty           the message as sent with the top-level "sign" value set to ""
                       (seed 003 §2.2; the default)
  sign-removed         the message as sent without the top-level "sign" member
  sorted-sign-empty    keys sorted recursively, compact, with "sign":""
  sorted-sign-removed  keys sorted recursively, compact, without "sign"
Try the others when a peer's signatures do not verify under the default.

Examples:
  paycert sm2 domain req.json
  paycert sm2 domain --profile sorted-sign-removed req.json | paycert sm2 sm3`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		profile = fs.String("profile", string(signdomain.Default), "sign-domain profile")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		p, err := signdomain.ParseProfile(*profile)
		if err != nil {
			return cli.Usagef("%v", err)
		}
		msg, err := sm2ReadInput(tio, pos)
		if err != nil {
			return err
		}
		d, err := signdomain.Domain(p, msg)
		if err != nil {
			return err
		}
		_, err = tio.Stdout.Write(d)
		return err
	}
	return cmd
}

// sm2OpenInput opens the single optional FILE argument; none or "-" means
// standard input.
func sm2OpenInput(tio cli.IO, pos []string) (io.Reader, func(), error) {
	switch {
	case len(pos) > 1:
		return nil, nil, cli.Usagef("give at most one FILE (or - for standard input), got %d", len(pos))
	case len(pos) == 0 || pos[0] == "-":
		if tio.Stdin == nil {
			return nil, nil, cli.Usagef("no FILE given and no standard input")
		}
		return tio.Stdin, func() {}, nil
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

func sm2ReadInput(tio cli.IO, pos []string) ([]byte, error) {
	r, closeFn, err := sm2OpenInput(tio, pos)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	return b, nil
}
