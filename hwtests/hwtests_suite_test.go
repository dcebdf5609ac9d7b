package hwtests

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/cpucard/terminal"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/reader"
)

// Test flags: the environment variables of the package doc take effect when
// a flag is not given.
var (
	flagReader  = flag.String("reader", "", "PC/SC reader to test (substring of its name); empty: virtual lab (env PAYCERT_READER)")
	flagReader2 = flag.String("reader2", "", "second reader for the two-reader spec (env PAYCERT_READER2)")
)

// Card numbers of the virtual lab: the Huzhou centre fixture's first two
// ordinary cards (hzcard simulator), so the same cards serve the card-only
// specs and the recharge through the centre.
const (
	virtualPAN0 = "2253000000000001"
	virtualPAN1 = "2253000000000002"
)

// env is the suite's lab, built once in BeforeSuite.
type env struct {
	lab     *lab.Lab
	masters cpucard.MasterKeys
	scheme  epurse.Scheme
	reader2 bool // a second reader is available
	termID  [6]byte
	termSeq atomic.Uint32
}

var suite *env

func TestHardware(t *testing.T) {
	RegisterFailHandler(Fail)
	suiteConfig, reporterConfig := GinkgoConfiguration()
	if suiteConfig.Timeout > 5*time.Minute || suiteConfig.Timeout == 0 {
		suiteConfig.Timeout = 5 * time.Minute
	}
	RunSpecs(t, "hardware (PC/SC)", Label("hw"), suiteConfig, reporterConfig)
}

func setting(flagVal *string, envName string) string {
	if *flagVal != "" {
		return *flagVal
	}
	return os.Getenv(envName)
}

// masterKeys reads PAYCERT_MASTER_KEYS ("MLK,MPK,MTK,MAMK", hex) or returns
// paycert's public test keys.
func masterKeys() (cpucard.MasterKeys, error) {
	v := os.Getenv("PAYCERT_MASTER_KEYS")
	if v == "" {
		return cpucard.TestMasterKeys(), nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return cpucard.MasterKeys{}, fmt.Errorf("PAYCERT_MASTER_KEYS: want 4 comma-separated hex keys MLK,MPK,MTK,MAMK, got %d", len(parts))
	}
	var ks [4][]byte
	for i, p := range parts {
		b, err := hex.DecodeString(strings.TrimSpace(p))
		if err != nil || len(b) != 16 {
			// The value is secret: say which key is wrong, never what it is.
			return cpucard.MasterKeys{}, fmt.Errorf("PAYCERT_MASTER_KEYS: key %d is not 16 bytes of hex", i+1)
		}
		ks[i] = b
	}
	return cpucard.MasterKeys{MLK: ks[0], MPK: ks[1], MTK: ks[2], MAMK: ks[3]}, nil
}

var _ = BeforeSuite(func(ctx SpecContext) {
	m, err := masterKeys()
	Expect(err).NotTo(HaveOccurred())
	e := &env{masters: m, termID: [6]byte{0x00, 0x00, 0x10, 0x00, 0x00, 0x01}}
	name, name2 := setting(flagReader, "PAYCERT_READER"), setting(flagReader2, "PAYCERT_READER2")
	if name != "" {
		names := []string{name}
		if name2 != "" {
			names = append(names, name2)
		}
		e.lab, err = lab.Attach(names...)
		Expect(err).NotTo(HaveOccurred(), "the readers named by -reader/PAYCERT_READER must be present")
		e.reader2 = name2 != ""
		By("testing real readers: " + strings.Join(names, ", "))
	} else {
		c0 := newVirtualCard(virtualPAN0, 0)
		c1 := newVirtualCard(virtualPAN1, 5000)
		e.lab, err = lab.StartVirtual(ctx, []*cpucard.Card{c0, c1}, nil)
		// No reader named and no virtual lab: a hardware suite that passes
		// empty would certify nothing, so this is a failure, not a skip.
		Expect(err).NotTo(HaveOccurred(), "no reader was named (-reader, PAYCERT_READER), and the virtual lab could not start; "+
			"it needs root, no other pcscd running, and apt-get install --no-install-recommends pcscd vsmartcard-vpcd libpcsclite-dev pkg-config")
		e.reader2 = true
		By("testing the virtual lab: " + e.lab.Slots[0].Reader + " and " + e.lab.Slots[1].Reader)
	}
	suite = e
	DeferCleanup(func() {
		Expect(suite.lab.Close()).To(Succeed(), "stopping the lab")
	})
}, NodeTimeout(2*time.Minute)) // includes waiting for another test package's pcscd

func newVirtualCard(pan string, balance uint32) *cpucard.Card {
	c, err := cpucard.New(cpucard.Profile{PAN: pan, Balance: balance})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// session connects to slot i for the current spec: a terminal whose every
// exchange is written to the spec's output (shown on failure), and the
// connection, closed when the spec ends.
func session(ctx context.Context, i int) (*terminal.Terminal, *reader.Card) {
	GinkgoHelper()
	k, err := suite.lab.Connect(ctx, i, 10*time.Second)
	Expect(err).NotTo(HaveOccurred(), "a card must be present in %s", suite.lab.Slots[i].Reader)
	DeferCleanup(func() { _ = k.Disconnect() })
	t := terminal.New(k)
	t.Trace = terminal.TraceTo(GinkgoWriter)
	return t, k
}

// keyHolder diversifies the configured master keys for the card in the
// terminal (its number read from file 0x15).
func keyHolder(pub cpucard.PublicInfo) *terminal.KeyHolder {
	GinkgoHelper()
	k, err := terminal.NewKeyHolder(suite.scheme, suite.masters, pub.ShortCardNumber())
	Expect(err).NotTo(HaveOccurred())
	return k
}

func nextTermSeq() uint32 { return suite.termSeq.Add(1) }

func now() [7]byte { return terminal.DateTime(time.Now()) }

// virtualOnly skips a spec that needs to pull or tear the card by command.
func virtualOnly(i int) {
	GinkgoHelper()
	if !suite.lab.Slots[i].Virtual() {
		Skip("needs the virtual lab: the card must be pulled or torn by command at an exact point")
	}
}
