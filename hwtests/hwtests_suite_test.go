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

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/cpucard/terminal"
	"paycert/platforms/hzcard"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/reader"
)

// Test flags: the environment variables of the package doc take effect when
// a flag is not given.
var (
	flagReader  = flag.String("reader", "", "PC/SC reader to test (substring of its name); empty: virtual lab (env PAYCERT_READER)")
	flagReader2 = flag.String("reader2", "", "second reader for the two-reader spec (env PAYCERT_READER2)")

	// The card variant (README "Card variants"): how the test cards are
	// personalised and how the terminal and key holder talk to them.
	flagKeyIndex = flag.String("key-index", "", "INITIALIZE key index the cards accept, 1 byte hex (env PAYCERT_KEY_INDEX; default 01)")
	flagTerminal = flag.String("terminal", "", "terminal id the key holder's loads and purchases carry, 6 bytes hex (env PAYCERT_TERMINAL; default 000010000001)")
	flagAID      = flag.String("aid", "", "purse AID, hex (env PAYCERT_AID; default A000000632010105)")
	flagCipher   = flag.String("cipher", "", "purse cipher, 3des or sm4 (env PAYCERT_CIPHER; default 3des)")
	flagTZ       = flag.String("tz", "", "zone of the date-times written to the card: CST, UTC, UTC+H, +HH:MM, an IANA name or local (env PAYCERT_TZ; default the wire's, Asia/Shanghai)")
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
	reader2 bool // a second reader is available
	termSeq atomic.Uint32
	variant
}

// variant is the card variant the suite runs with (the settings
// PAYCERT_KEY_INDEX, PAYCERT_TERMINAL, PAYCERT_AID, PAYCERT_CIPHER,
// PAYCERT_TZ): the virtual lab personalises its cards with it, the
// terminal selects aid, the key holder sends keyIdx and computes with
// scheme, and every date-time written to a card is in zone.
type variant struct {
	keyIdx byte
	termID [6]byte
	aid    []byte // nil: apdu.PurseAID
	scheme epurse.Scheme
	zone   *time.Location
}

// purseAID is the AID the suite selects.
func (v variant) purseAID() []byte {
	if len(v.aid) == 0 {
		return apdu.PurseAID
	}
	return v.aid
}

func (v variant) String() string {
	return fmt.Sprintf("cipher %s, key index %02X, AID %X, terminal %X, zone %s",
		epurse.CipherName(v.scheme.Cipher), v.keyIdx, v.purseAID(), v.termID, v.zone)
}

// readVariant reads the variant settings; unset ones take the defaults
// every test card and the Huzhou centre use.
func readVariant() (variant, error) {
	v := variant{keyIdx: 0x01, termID: [6]byte{0x00, 0x00, 0x10, 0x00, 0x00, 0x01}, zone: hzcard.Zone()}
	if s := setting(flagKeyIndex, "PAYCERT_KEY_INDEX"); s != "" {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 1 || b[0] == 0 {
			return v, fmt.Errorf("PAYCERT_KEY_INDEX %q: want one byte of hex, 01 to FF", s)
		}
		v.keyIdx = b[0]
	}
	if s := setting(flagTerminal, "PAYCERT_TERMINAL"); s != "" {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 6 {
			return v, fmt.Errorf("PAYCERT_TERMINAL %q: want 6 bytes of hex (12 digits)", s)
		}
		v.termID = [6]byte(b)
	}
	if s := setting(flagAID, "PAYCERT_AID"); s != "" {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) < 5 || len(b) > 16 {
			return v, fmt.Errorf("PAYCERT_AID %q: want 5 to 16 bytes of hex", s)
		}
		v.aid = b
	}
	if s := setting(flagCipher, "PAYCERT_CIPHER"); s != "" {
		c, err := epurse.ParseCipher(s)
		if err != nil {
			return v, fmt.Errorf("PAYCERT_CIPHER: %w", err)
		}
		v.scheme = epurse.Scheme{Cipher: c}
	}
	if s := setting(flagTZ, "PAYCERT_TZ"); s != "" {
		z, err := terminal.ParseZone(s)
		if err != nil {
			return v, fmt.Errorf("PAYCERT_TZ: %w", err)
		}
		v.zone = z
	}
	return v, nil
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
	v, err := readVariant()
	Expect(err).NotTo(HaveOccurred())
	e := &env{masters: m, variant: v}
	By("card variant: " + v.String())
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
		c0 := newVirtualCard(v, virtualPAN0, 0)
		c1 := newVirtualCard(v, virtualPAN1, 5000)
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

// newVirtualCard personalises a software card of the variant v.
func newVirtualCard(v variant, pan string, balance uint32) *cpucard.Card {
	c, err := cpucard.New(cpucard.Profile{PAN: pan, Balance: balance, AID: v.aid, KeyIndex: v.keyIdx, Cipher: v.scheme.Cipher})
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
	t.AID = suite.aid
	t.Trace = terminal.TraceTo(GinkgoWriter)
	return t, k
}

// keyHolder diversifies the configured master keys for the card in the
// terminal (its number read from file 0x15).
func keyHolder(pub cpucard.PublicInfo) *terminal.KeyHolder {
	GinkgoHelper()
	k, err := terminal.NewKeyHolder(suite.scheme, suite.masters, pub.ShortCardNumber())
	Expect(err).NotTo(HaveOccurred())
	k.KeyIndex = suite.keyIdx
	return k
}

func nextTermSeq() uint32 { return suite.termSeq.Add(1) }

// now is the date-time the terminal writes to the card: now in the
// variant's zone.
func now() [7]byte { return terminal.DateTimeIn(time.Now(), suite.zone) }

// virtualOnly skips a spec that needs to pull or tear the card by command.
func virtualOnly(i int) {
	GinkgoHelper()
	if !suite.lab.Slots[i].Virtual() {
		Skip("needs the virtual lab: the card must be pulled or torn by command at an exact point")
	}
}
