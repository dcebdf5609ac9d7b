package vpcd

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// echoCard answers every APDU with its INS and 9000, and tears on INS 0x52.
type echoCard struct {
	mu      sync.Mutex
	powered bool
	resets  int
}

func (c *echoCard) ATR() []byte     { return []byte{0x3B, 0x80, 0x80, 0x01, 0x01} }
func (c *echoCard) PowerOn() []byte { c.mu.Lock(); c.powered = true; c.mu.Unlock(); return c.ATR() }
func (c *echoCard) PowerOff()       { c.mu.Lock(); c.powered = false; c.mu.Unlock() }
func (c *echoCard) Reset() []byte   { c.mu.Lock(); c.resets++; c.mu.Unlock(); return c.ATR() }
func (c *echoCard) Transmit(apdu []byte) ([]byte, error) {
	if apdu[1] == 0x52 {
		return nil, errors.New("torn")
	}
	return []byte{apdu[1], 0x90, 0x00}, nil
}

// fakeDriver plays vpcd's side of the socket: it accepts the card and sends
// frames the way the driver does.
func fakeDriver(t *testing.T) (net.Listener, func() net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, func() net.Conn {
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

func send(t *testing.T, c net.Conn, p ...byte) {
	t.Helper()
	f := append([]byte{byte(len(p) >> 8), byte(len(p))}, p...)
	if _, err := c.Write(f); err != nil {
		t.Fatal(err)
	}
}

func recv(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var h [2]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return nil, err
	}
	p := make([]byte, binary.BigEndian.Uint16(h[:]))
	_, err := io.ReadFull(c, p)
	return p, err
}

func TestBridgeSpeaksTheVpcdProtocol(t *testing.T) {
	ln, accept := fakeDriver(t)
	card := &echoCard{}
	b := New(card, ln.Addr().String())
	if err := b.Insert(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	drv := accept()
	defer drv.Close()

	send(t, drv, ctrlPowerOn)
	send(t, drv, ctrlGetATR)
	if atr, err := recv(t, drv); err != nil || string(atr) != string(card.ATR()) {
		t.Fatalf("ATR = % X, %v", atr, err)
	}
	send(t, drv, ctrlReset) // no reply expected
	send(t, drv, 0x80, 0x5C, 0x00, 0x02, 0x04)
	if r, err := recv(t, drv); err != nil || string(r) != string([]byte{0x5C, 0x90, 0x00}) {
		t.Fatalf("R-APDU = % X, %v", r, err)
	}
	if !card.powered || card.resets != 1 || b.APDUs() != 1 {
		t.Fatalf("card state powered=%v resets=%d apdus=%d", card.powered, card.resets, b.APDUs())
	}

	// A torn command: no reply, the connection drops (card removed).
	send(t, drv, 0x80, 0x52, 0x00, 0x00, 0x0B)
	if _, err := recv(t, drv); err == nil {
		t.Fatal("a torn command got a reply")
	}
	deadline := time.Now().Add(2 * time.Second)
	for b.Inserted() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if b.Inserted() || b.Err() == nil {
		t.Fatalf("after a tear the card must be out of the reader with the cause recorded: inserted=%v err=%v", b.Inserted(), b.Err())
	}

	// Re-insertion reconnects.
	if err := b.Insert(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	drv2 := accept()
	defer drv2.Close()
	send(t, drv2, ctrlGetATR)
	if _, err := recv(t, drv2); err != nil {
		t.Fatalf("no ATR after re-insertion: %v", err)
	}
	b.Remove()
	if b.Inserted() {
		t.Fatal("Remove left the card inserted")
	}
}

func TestInsertFailsClearlyWithoutDriver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	err = New(&echoCard{}, addr).Insert(300 * time.Millisecond)
	if err == nil {
		t.Fatal("insert into a closed port succeeded")
	}
}
