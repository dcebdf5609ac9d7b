// Package pcscd runs the PC/SC daemon as a child process for tests that
// need a virtual reader: in the foreground, without systemd or udev, on its
// fixed socket /run/pcscd/pcscd.comm. Use takes a pcscd already serving
// that socket (a lab machine's system service) as it is. It never leaves a daemon behind: Stop
// sends SIGTERM (pcscd cleans /run/pcscd on it) and kills after a grace
// period. Only one pcscd can own /run/pcscd, so Start takes an exclusive lock
// that serialises test packages running in parallel.
package pcscd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Socket is pcscd's fixed client socket.
const Socket = "/run/pcscd/pcscd.comm"

const (
	pidFile  = "/run/pcscd/pcscd.pid"
	lockFile = "/tmp/paycert-pcscd.lock"
)

// Daemon is a running pcscd: a child Start launched, or (from Use) one
// that runs outside this process, such as the system service.
type Daemon struct {
	cmd  *exec.Cmd // nil for an external pcscd
	lock *os.File
	log  *syncBuffer
	done chan error
}

// Serving reports whether a pcscd accepts clients on Socket now.
func Serving() bool {
	c, err := net.DialTimeout("unix", Socket, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Use is Start, except that a pcscd already serving Socket (the system
// service of a lab machine, one started by hand) is used as it is instead
// of refused. It takes the same lock as Start first, so a pcscd another
// test package started is waited out rather than taken for the system's;
// Stop then releases the lock and leaves the external pcscd running.
func Use(ctx context.Context) (*Daemon, error) {
	lock, err := acquireLock(ctx)
	if err != nil {
		return nil, err
	}
	if Serving() {
		return &Daemon{lock: lock}, nil
	}
	lock.Close()
	return Start(ctx)
}

// External reports whether the pcscd runs outside this process.
func (d *Daemon) External() bool { return d.cmd == nil }

// Path finds the pcscd binary.
func Path() (string, error) {
	for _, p := range []string{"/usr/sbin/pcscd", "/usr/local/sbin/pcscd"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("pcscd"); err == nil {
		return p, nil
	}
	return "", errors.New("pcscd is not installed (apt-get install --no-install-recommends pcscd vsmartcard-vpcd)")
}

// Start launches pcscd in the foreground and waits until its socket accepts
// clients. It fails with a clear message when pcscd is missing, when the
// vpcd driver is not installed, or when another live pcscd owns /run/pcscd.
func Start(ctx context.Context) (*Daemon, error) {
	bin, err := Path()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat("/etc/reader.conf.d/vpcd"); err != nil {
		return nil, errors.New("the vpcd reader driver is not configured (/etc/reader.conf.d/vpcd missing: apt-get install vsmartcard-vpcd)")
	}
	lock, err := acquireLock(ctx)
	if err != nil {
		return nil, err
	}
	if pid, alive := livePID(); alive {
		lock.Close()
		return nil, fmt.Errorf("another pcscd (pid %d) owns /run/pcscd; stop it first (kill %d) or run against it with --reader", pid, pid)
	}
	// A pcscd in the foreground (a service started by hand, another tool)
	// writes no pid file; a socket that accepts clients gives it away.
	// Removing its socket would hide it from clients while it keeps the
	// vpcd ports, so refuse.
	if Serving() {
		lock.Close()
		return nil, fmt.Errorf("another pcscd is serving %s (find it with: pgrep -a pcscd); stop it first, or run against it with --reader / PAYCERT_READER", Socket)
	}
	// A stale socket or pid file from a killed run makes pcscd refuse to start.
	os.Remove(Socket)
	os.Remove(pidFile)
	log := &syncBuffer{}
	cmd := exec.Command(bin, "--foreground", "--debug")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // die with the test binary
	if err := cmd.Start(); err != nil {
		lock.Close()
		return nil, fmt.Errorf("start pcscd: %w", err)
	}
	d := &Daemon{cmd: cmd, lock: lock, log: log, done: make(chan error, 1)}
	go func() { d.done <- cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if fi, err := os.Stat(Socket); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return d, nil
		}
		select {
		case err := <-d.done:
			d.lock.Close()
			return nil, fmt.Errorf("pcscd exited during start-up (%v); its log:\n%s", err, d.log.String())
		case <-ctx.Done():
			d.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			d.Stop()
			return nil, fmt.Errorf("pcscd did not open %s within 15s; its log:\n%s", Socket, d.log.String())
		}
	}
}

// Log returns what pcscd printed so far (debug level), for failure messages.
func (d *Daemon) Log() string {
	if d.External() {
		return "(pcscd runs outside this process: see its own log, e.g. journalctl -u pcscd)"
	}
	return d.log.String()
}

// Stop terminates a child pcscd and waits for it (an external one is left
// running); it is safe to call twice.
func (d *Daemon) Stop() error {
	if d != nil && d.External() {
		if d.lock != nil {
			d.lock.Close()
			d.lock = nil
		}
		return nil
	}
	if d == nil || d.cmd.Process == nil {
		return nil
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case err = <-d.done:
	case <-time.After(5 * time.Second):
		_ = d.cmd.Process.Kill()
		err = <-d.done
	}
	d.done <- err // let a second Stop return at once
	if d.lock != nil {
		d.lock.Close()
		d.lock = nil
	}
	return nil
}

func acquireLock(ctx context.Context) (*os.File, error) {
	f, err := os.OpenFile(lockFile, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		// Created by another user (root's test run): flock needs only a
		// read-only descriptor, so a user without root can still wait on it.
		if f, err = os.Open(lockFile); err != nil {
			return nil, fmt.Errorf("pcscd lock: %w", err)
		}
	}
	for {
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			return f, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another test's pcscd to finish: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func livePID() (int, bool) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, syscall.Kill(pid, 0) == nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 4<<20 { // debug output is chatty; keep the start and stop growing
		return len(p), nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Lock takes the lock Start and Use take, for a test that runs pcscd its
// own way (as a lab's system service runs) and must not meet a pcscd
// another test package started. Close releases it.
func Lock(ctx context.Context) (io.Closer, error) { return acquireLock(ctx) }
