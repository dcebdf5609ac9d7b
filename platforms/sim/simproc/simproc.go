// Package simproc runs "paycert sim <platform>" as another process, the way
// a user serves a simulator to certify or load it from outside. The tests
// and benchmarks that prove a suite or a load scenario against an endpoint
// it did not start (self-certification, out-of-process load, the soak, the
// out-of-process bench) all start it here.
package simproc

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Process is a running simulator.
type Process struct {
	// Config is the file its --write-config wrote: the target section a
	// client certifies or loads it with, and nothing else.
	Config string
	cmd    *exec.Cmd
	done   chan error
	log    *buffer
}

// Start starts cmd, a paycert binary asked for "sim <platform> ...
// --write-config config", and waits until the config exists ("paycert sim"
// writes it whole, by rename, once it serves) or the process exits, for at
// most 30 s. The process's output is kept for Log.
func Start(cmd *exec.Cmd, config string) (*Process, error) {
	p := &Process{Config: config, cmd: cmd, done: make(chan error, 1), log: &buffer{}}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	go func() { p.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(config); err == nil {
			return p, nil
		}
		select {
		case err := <-p.done:
			p.done <- err // Stop waits on it again
			return nil, fmt.Errorf("paycert sim exited before writing %s: %v\n%s", config, err, p.Log())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.Stop()
			return nil, fmt.Errorf("paycert sim wrote no %s in 30 s\n%s", config, p.Log())
		}
	}
}

// Stop interrupts the process as Ctrl-C would and waits for it, killing it
// after 10 s.
func (p *Process) Stop() {
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Pid is the process id (a soak samples its memory from /proc).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Log is what the process printed so far.
func (p *Process) Log() string { return p.log.String() }

// FirstNonLoopbackIPv4 is the first IPv4 address of an interface that is up
// and not loopback (nor link-local), in net.Interfaces order: where a
// simulator is served "off loopback", as a user's implementation is.
func FirstNonLoopbackIPv4() (netip.Addr, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return netip.Addr{}, fmt.Errorf("list network interfaces: %w", err)
	}
	for _, i := range ifs {
		if i.Flags&net.FlagUp == 0 || i.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := i.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Is4() && !p.Addr().IsLoopback() && !p.Addr().IsLinkLocalUnicast() {
				return p.Addr(), nil
			}
		}
	}
	return netip.Addr{}, errors.New("this machine has no non-loopback IPv4 address")
}

// buffer is a bytes.Buffer the child writes while a test reads it.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
