package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	goio "io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/registry"
	"paycert/codecs/testpki"
	"paycert/conformance"
	"paycert/load/scenario"
	"paycert/platforms/sim"
)

func simCommand() *cli.Command {
	var (
		listen      *string
		strict      *bool
		allowRemote *bool
		listFaults  *bool
		pkiDir      *string
		pkiPass     *string
		writeConfig *string
		profile     *string
		admin       *string
		history     *int
		faults      cli.MultiFlag
	)
	cmd := &cli.Command{
		Name:    "sim",
		Summary: "Serve a platform's reference simulator on loopback (for a client under test)",
		Usage:   "sim <platform> [--listen 127.0.0.1:PORT] [--strict] [--fault NAME]...",
		Help: `Starts the embedded reference simulator of one platform with its documented
fixture (see the simulator's package doc) and serves it until Ctrl-C.

--strict turns it into a strict mock: every violation of the spec seen in
incoming requests (bad MAC or signature, missing or over-long fields, wrong
charset...) is recorded; the list is printed when the simulator stops, and the
exit status is 1 if there was any, so a client under test can be certified.
--fault switches on a named defect (see --list-faults), as "paycert mutate" does.

--write-config FILE writes the target section (the YAML of paycert.example.yaml)
an outside client needs to certify against this running simulator: its URL,
the fixture's ids, keys and cards, and (bill99) the test PKI next to FILE. So
the simulator can be certified from another process exactly as a real
implementation is:
  paycert sim ipos --write-config sim.yaml &
  paycert certify ipos --config sim.yaml

--admin ADDR serves the simulator's ledger on a loopback address (GET /audit:
its audit, violations and the counters the load ledger checks compare), and
--write-config records it, so "paycert load --config" checks the ledger of a
simulator in another process as it does the embedded one's.

The simulator binds loopback unless --allow-remote is given; --admin never
leaves loopback. Served off loopback, a simulator that only admits callers on
its own host takes the address it listens on as its host too (ipos: the
fixture merchants that admit loopback admit that address, and terminals bound
to loopback accept it; bill99: the server certificate is issued again to cover
it), says so, and --write-config writes it in the file's header. Callers from
anywhere else are refused as before (ipos: 6103).

--history N bounds the state a long-lived simulator keeps (a soak, a client
certified for days): the latest N replayable requests or trades (default
10000) stay whole, older ones age into the ledger's sums, so memory stays
flat and the audit exact; each platform's catalogue errata say what a client
sees of an aged entry (E-IPOS-HISTORY, E-KAKATONG-HISTORY). Strict mode keeps
the first 10000 violations and counts the rest.

Dates on the wire and on the card are in one zone, Asia/Shanghai unless the
environment variable PAYCERT_WIRE_ZONE names another (an IANA name): set the
same value for the simulator, its clients and the card tools.

Examples:
  paycert sim ipos --listen 127.0.0.1:8081
  paycert sim kakatong --write-config /tmp/kakatong-sim.yaml
  paycert sim ipos --listen 10.0.0.5:8081 --allow-remote --admin 127.0.0.1:9081 --write-config ipos.yaml
  paycert sim bill99 --listen 127.0.0.1:8443 --strict
  paycert sim hzcard --list-faults
  paycert sim kakatong --fault dup-window-23h
  paycert sim kakatong --profile root   # REST replies as the seed's sample PHP reads them` + fixtureHelp(platforms()),
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		listen = fs.String("listen", "127.0.0.1:0", "address to serve on (loopback)")
		strict = fs.Bool("strict", false, "strict-mock mode: record and report every violation in incoming requests")
		allowRemote = fs.Bool("allow-remote", false, "allow a non-loopback listen address")
		listFaults = fs.Bool("list-faults", false, "list the simulator's named faults and exit")
		pkiDir = fs.String("pki-dir", "sim-pki", "a TLS simulator's (bill99) test PKI: reused when the directory holds one, else written there (CA and its key, client .pfx, mgw.cer)")
		pkiPass = fs.String("pki-password", "", "password of the .pfx bundles in --pki-dir (default: the simulator's, changeit for bill99)")
		writeConfig = fs.String("write-config", "", "write the target section an outside client needs (URL, fixture, keys, PKI) to this YAML file")
		profile = fs.String("profile", "", "a named reading of the spec where the seed contradicts itself (kakatong: record = fields in <Record>, the default; root = fields at the root of <TradeResult>, as the seed's samples read them)")
		admin = fs.String("admin", "", "serve the ledger audit for 'paycert load' on this loopback address, e.g. 127.0.0.1:0")
		history = fs.Int("history", 0, fmt.Sprintf("how many replayable requests or trades the simulator keeps whole; older ones age into the ledger's sums so memory stays flat (default %d)", sim.DefaultHistory))
		faults = nil
		fs.Var(&faults, "fault", "switch on a named fault (repeatable)")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if len(pos) != 1 {
			return cli.Usagef("name one platform (%s)", registry.Names(platforms()))
		}
		ps, err := selectPlatforms(pos)
		if err != nil {
			return err
		}
		p := ps[0]
		fl, err := platformFaults(ps, faults)
		if err != nil {
			return err
		}
		if *listFaults {
			for _, f := range fl[0] {
				fmt.Fprintf(io.Stdout, "%-32s %s\n", f.Name, f.Description)
			}
			return nil
		}
		out := &lockedWriter{w: io.Stdout} // the simulator logs (SMS codes) from its handlers
		if *history < 0 {
			return cli.Usagef("--history %d: want a positive count (0 is the default, %d)", *history, sim.DefaultHistory)
		}
		s, err := p.NewSimulator(sim.Options{Faults: faults, Strict: *strict, Profile: *profile, History: *history,
			Logf: func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }})
		if err != nil {
			return fmt.Errorf("start %s simulator: %w", p.Name, err)
		}
		if d, ok := s.(pkiDirUser); ok { // before serving: the server certificate may come from the directory
			files, pass, reused, err := d.UsePKIDir(*pkiDir, *pkiPass)
			if err != nil {
				return fmt.Errorf("the simulator's test PKI: %w", err)
			}
			how := "written to"
			if reused {
				how = "reused from"
			}
			fmt.Fprintf(out, "mutual TLS: test PKI %s %s: trust %s, present %s (password %q); notices are signed by %s; %s issues more client certificates\n",
				how, *pkiDir, files.CA, files.ClientPFX, pass, files.SignerCertDER, files.CAKey)
		}
		var notes []string
		if *allowRemote {
			if notes, err = admitHosts(ctx, s, *listen); err != nil {
				return err
			}
			for _, n := range notes {
				fmt.Fprintln(out, n)
			}
		}
		srv, err := sim.Start(s, sim.ListenOptions{Addr: *listen, AllowRemote: *allowRemote})
		if err != nil {
			return err
		}
		adminURL := ""
		if *admin != "" {
			asrv, err := sim.ListenAdmin(*admin, s, scenario.Counters(s))
			if err != nil {
				srv.Close()
				return fmt.Errorf("--admin: %w", err)
			}
			defer asrv.Close()
			adminURL = asrv.URL
			fmt.Fprintf(io.Stdout, "admin endpoint (ledger audit for paycert load): %s/audit\n", adminURL)
		}
		if *writeConfig != "" {
			if err := writeSimConfig(p, s, srv.URL, adminURL, *writeConfig, notes); err != nil {
				srv.Close()
				return err
			}
			fmt.Fprintf(io.Stdout, "target section written to %s: paycert certify %s --config %s\n", *writeConfig, p.Name, *writeConfig)
		}
		if p.Fixture != nil {
			fmt.Fprintf(out, "fixture: %s", p.Fixture())
		}
		fmt.Fprintf(out, "%s simulator serving at %s (strict=%v faults=%s); Ctrl-C to stop\n",
			p.Name, srv.URL, *strict, strings.Join(faults, ","))
		<-ctx.Done()
		srv.Close()
		v := s.Violations()
		if len(v) == 0 {
			fmt.Fprintf(io.Stdout, "stopped; no violations recorded\n")
			return nil
		}
		dropped := ""
		if d, ok := s.(sim.DropCounter); ok && d.DroppedViolations() > 0 {
			dropped = fmt.Sprintf(" (%d more counted but not kept: the first %d are listed)", d.DroppedViolations(), sim.MaxViolations)
		}
		fmt.Fprintf(io.Stdout, "stopped; %d violation(s)%s:\n", len(v), dropped)
		enc := json.NewEncoder(io.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		return &cli.ExitError{Code: 1}
	}
	return cmd
}

// hostAdmitter is a simulator whose fixture refuses callers that are not on
// its host, or whose server certificate names only loopback (ipossim: the
// fixture merchant's allowed IPs and terminal bindings; bill99sim: the
// server certificate): served off loopback, it must know the address it is
// reached by, or it refuses the machine's own clients.
type hostAdmitter interface {
	AdmitHost(addr netip.Addr) (note string, err error)
}

// admitHosts tells a hostAdmitter the addresses of this machine that
// listen (an --allow-remote address, not loopback) reaches it by: that
// address, or for an unspecified one (0.0.0.0, ::) every address of the
// machine's interfaces. It returns what the simulator changed, one line
// each, for the console and the written config.
func admitHosts(ctx context.Context, s sim.Simulator, listen string) ([]string, error) {
	a, ok := s.(hostAdmitter)
	if !ok {
		return nil, nil
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil || sim.IsLoopback(host) {
		return nil, nil // sim.Start says what is wrong with the address
	}
	var addrs []netip.Addr
	switch ip, err := netip.ParseAddr(host); {
	case host == "" || (err == nil && ip.IsUnspecified()):
		ifs, err := net.InterfaceAddrs()
		if err != nil {
			return nil, fmt.Errorf("--listen %s: the machine's addresses: %w", listen, err)
		}
		for _, ia := range ifs {
			if p, err := netip.ParsePrefix(ia.String()); err == nil && !p.Addr().IsLoopback() && !p.Addr().IsLinkLocalUnicast() {
				addrs = append(addrs, p.Addr())
			}
		}
	case err == nil:
		addrs = []netip.Addr{ip}
	default:
		if addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host); err != nil {
			return nil, fmt.Errorf("--listen %s: %w", listen, err)
		}
	}
	var notes []string
	for _, addr := range addrs {
		if addr.Unmap().IsLoopback() {
			continue
		}
		n, err := a.AdmitHost(addr)
		if err != nil {
			return nil, fmt.Errorf("--listen %s: %w", listen, err)
		}
		if n != "" {
			notes = append(notes, n)
		}
	}
	return notes, nil
}

// pkiDirUser is a simulator served over mutual TLS whose client needs its
// test PKI on disk: it serves with the kit already in dir (so clients keep
// their certificates across restarts) or writes its own there; an empty
// password is the simulator's default, returned.
type pkiDirUser interface {
	UsePKIDir(dir, password string) (files testpki.KitFiles, usedPassword string, reused bool, err error)
}

// lockedWriter serialises writes: the simulator logs from its handlers
// while the command prints.
type lockedWriter struct {
	mu sync.Mutex
	w  goio.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// fixtureHelp is the part of "paycert sim --help" that tells a client what
// each simulator's fixture gives it.
func fixtureHelp(ps []registry.Platform) string {
	var b strings.Builder
	for _, p := range ps {
		if p.Fixture != nil {
			fmt.Fprintf(&b, "\n\nFixture of %s: %s", p.Name, strings.TrimRight(p.Fixture(), "\n"))
		}
	}
	return b.String()
}

// writeSimConfig writes the config an outside client needs to certify
// against s served at url: paycert.yaml's shape with one target. The file
// holds test keys and passwords, so it is readable by its owner only; it is
// written to a temporary name and renamed, so a process waiting for it
// never reads half a file.
func writeSimConfig(p registry.Platform, s sim.Simulator, url, admin, path string, notes []string) error {
	t, err := p.SimTarget(s, url, filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("--write-config: %w", err)
	}
	t.Admin = admin
	b, err := yaml.Marshal(conformance.Config{Targets: map[string]conformance.Target{p.Name: t}})
	if err != nil {
		return fmt.Errorf("--write-config: %w", err)
	}
	head := fmt.Sprintf("# paycert sim %s --write-config: certify this running simulator from another process with\n#   paycert certify %s --config %s\n", p.Name, p.Name, path)
	for _, n := range notes {
		head += "# " + n + "\n"
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append([]byte(head), b...), 0o600); err != nil {
		return fmt.Errorf("--write-config: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("--write-config: %w", err)
	}
	return nil
}
