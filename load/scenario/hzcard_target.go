package scenario

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/load"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
)

// hzProbeWorkers is how many cards are read from the centre at once while
// a run against a target picks its fresh cards: two signed round trips a
// card, a few hundred cards.
const hzProbeWorkers = 8

// hzDefaultWallet is a card's wallet maximum when the centre names none:
// the software card's default (1000.00 yuan).
const hzDefaultWallet = 100000

// hzTargetConfig reads the institution's side of a target from its params,
// as certification does (conformance/hzcardsuite: inst_key, centre_pub,
// sign_profile and the envelope identities; the fixture's by default).
func hzTargetConfig(env *load.Env) (hzcardclient.Config, error) {
	var cfg hzcardclient.Config
	var err error
	if cfg.Key, err = hzcard.ReadKey(env.Param("inst_key", hzcard.TestInstKeyHex), sm2.ParsePrivateKey); err != nil {
		return cfg, fmt.Errorf("hzcard: params.inst_key: %w", err)
	}
	if cfg.CentreKey, err = hzcard.ReadKey(env.Param("centre_pub", hzcard.TestCentrePubHex), sm2.ParsePublicKey); err != nil {
		return cfg, fmt.Errorf("hzcard: params.centre_pub: %w", err)
	}
	if cfg.Profile, err = signdomain.ParseProfile(env.Param("sign_profile", string(signdomain.Default))); err != nil {
		return cfg, fmt.Errorf("hzcard: params.sign_profile: %w", err)
	}
	cfg.JoinInstID, cfg.InstID = env.Param("joininstid", ""), env.Param("instid", "")
	cfg.MchntID, cfg.TermID, cfg.ChnlID = env.Param("mchntid", ""), env.Param("termid", ""), env.Param("chnlid", "")
	return cfg, nil
}

// hzLab is how a run builds software cards the target's centre holds the
// keys of (certification's params master_keys, key_index, key_version and
// cards).
type hzLab struct {
	masters        *cpucard.MasterKeys
	keyIdx, keyVer byte
	numbers        []string // the cards param, in order
}

func hzLabOf(env *load.Env) (hzLab, error) {
	l := hzLab{keyIdx: 1, keyVer: 1}
	mk := env.Param("master_keys", "")
	if mk == "" {
		return l, errors.New("hzcard-charge against a target needs params.master_keys: the issuer master keys MLK,MPK,MTK,MAMK the centre diversifies card keys from, to build the software cards the run charges")
	}
	m, err := cpucard.ParseMasterKeys(mk)
	if err != nil {
		return l, fmt.Errorf("hzcard: params.master_keys: %w", err)
	}
	l.masters = m
	for _, p := range []struct {
		name string
		dst  *byte
	}{{"key_index", &l.keyIdx}, {"key_version", &l.keyVer}} {
		b, err := hex.DecodeString(env.Param(p.name, fmt.Sprintf("%02X", *p.dst)))
		if err != nil || len(b) != 1 {
			return l, fmt.Errorf("hzcard: params.%s: want one byte in hex, e.g. 01", p.name)
		}
		*p.dst = b[0]
	}
	if l.numbers, err = hzCardNumbers(env.Param("cards", "")); err != nil {
		return l, fmt.Errorf("hzcard: params.cards: %w", err)
	}
	if len(l.numbers) == 0 {
		return l, errors.New("hzcard-charge against a target needs params.cards: ranges first-last of ordinary, sold, normal test cards with balance 0 that the centre knows")
	}
	return l, nil
}

// hzCardNumbers expands "first-last[,first-last]" (single numbers too):
// the numbers differ in their last 8 digits only, as certification reads
// the param.
func hzCardNumbers(s string) ([]string, error) {
	rs, err := cpucard.ParseCardRanges(s)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rs {
		for i := range r.N {
			out = append(out, r.At(i))
		}
	}
	return out, nil
}

// hzTargetCards picks, before anything is sent, the cards a run against a
// target charges: software cards built from master_keys for the numbers
// of the cards param, taking only fresh ones as certification does (the
// centre says normal and sold, lists no charge order for the card, and
// takes a 10-yuan charge), because a software card starts at balance 0
// and a card an earlier run charged holds money at the centre that a new
// software card does not. A card is in one flow at a time, so the pool is
// at most hzCards cards, and large enough that no card reaches its wallet
// maximum in a run of env.MaxRequests flows. Too few fresh cards is one
// line, not a run of failures.
func hzTargetCards(ctx context.Context, env *load.Env, cfg hzcardclient.Config) ([]hzCard, error) {
	lab, err := hzLabOf(env)
	if err != nil {
		return nil, err
	}
	cfg.URL = env.Target
	c, err := hzcardclient.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("hzcard client: %w", err)
	}
	// The first fresh card says how many charges a card takes (its wallet
	// maximum); the pool is sized from it.
	want := min(hzCards, int(env.MaxRequests))
	var (
		mu       sync.Mutex
		held     []hzCard
		perCard  int64
		firstErr error
	)
	next := 0
	probe := func(no string) (hzCard, int64, bool, error) {
		card, err := cpucard.New(cpucard.Profile{PAN: no, Masters: lab.masters, KeyIndex: lab.keyIdx, KeyVersion: lab.keyVer})
		if err != nil {
			return hzCard{}, 0, false, fmt.Errorf("hzcard: software card %s: %w", no, err)
		}
		if !card.Powered() {
			card.PowerOn()
		}
		info, err := hzcardclient.ReadCard(ctx, c, card)
		if err != nil {
			return hzCard{}, 0, false, fmt.Errorf("hzcard: cardInfoQuery of card %s of params.cards: %w", no, err)
		}
		if info.CardStatus != hzcard.CardNormal || info.InitFlag != hzcard.InitFlagOn {
			return hzCard{}, 0, false, nil
		}
		if lo, err := hzcard.ParseAmount(info.MinSvAmt); err == nil && lo > hzAmount {
			return hzCard{}, 0, false, nil
		}
		if hi, err := hzcard.ParseAmount(info.MaxSvAmt); err == nil && hi < hzAmount {
			return hzCard{}, 0, false, nil
		}
		q, err := c.ChargeOrderQuery(ctx, hzcard.OrderQueryReq{CardNo: no, RecNumPerPage: "1", CurrPage: "1", OrderBy: hzcard.OrderByDesc})
		if err != nil {
			return hzCard{}, 0, false, fmt.Errorf("hzcard: chargeOrderQuery of card %s of params.cards: %w", no, err)
		}
		if q.TotalNum > 0 {
			return hzCard{}, 0, false, nil // charged by an earlier run
		}
		wallet := int64(hzDefaultWallet)
		if m, err := hzcard.ParseAmount(info.WalletMaxBal); err == nil && m > 0 {
			wallet = m
			if card, err = cpucard.New(cpucard.Profile{PAN: no, Masters: lab.masters, KeyIndex: lab.keyIdx, KeyVersion: lab.keyVer,
				MaxBalance: uint32(min(m, int64(^uint32(0))))}); err != nil {
				return hzCard{}, 0, false, fmt.Errorf("hzcard: software card %s: %w", no, err)
			}
			card.PowerOn()
		}
		return hzCard{no: no, card: card}, wallet / hzAmount, true, nil
	}
	// enough says whether the pool holds the run: at least min(hzCards,
	// flows) cards for the flows in flight, and charges for every flow
	// with two to spare per card (cards go round the pool in turn).
	enough := func() bool {
		switch {
		case len(held) == 0:
			return false
		case perCard <= 2:
			want = int(env.MaxRequests)
		default:
			want = max(min(hzCards, int(env.MaxRequests)), int((int64(env.MaxRequests)+perCard-3)/(perCard-2)))
		}
		return len(held) >= want
	}
	var wg sync.WaitGroup
	for range hzProbeWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if firstErr != nil || enough() || next >= len(lab.numbers) {
					mu.Unlock()
					return
				}
				no := lab.numbers[next]
				next++
				mu.Unlock()
				hc, per, ok, err := probe(no)
				mu.Lock()
				switch {
				case err != nil && firstErr == nil:
					firstErr = err
				case ok && !enough():
					held = append(held, hc)
					if perCard == 0 || per < perCard {
						perCard = per
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if !enough() {
		return nil, fmt.Errorf("hzcard: params.cards has %d fresh cards (normal, sold, never charged, taking a %s yuan charge) of %d; a run of at most %d flows needs %d: give more, or lower --rate, --duration or --max-requests",
			len(held), hzcard.Amount(hzAmount), len(lab.numbers), env.MaxRequests, want)
	}
	env.Logf("hzcard-charge: %d fresh cards of params.cards picked (%d read), each takes %d charges of %s yuan", len(held), next, perCard, hzcard.Amount(hzAmount))
	return held, nil
}

// hzLedger is the out-of-process ledger on the admin endpoint's counter
// deltas: one confirmed order and one 10-yuan load per accepted flow, money
// paid in = loaded + refunded + outstanding, and the run's cards' balances
// at the centre grown by what the confirmed orders loaded.
func hzLedger(d map[string]int64, acc *load.Stats, cards []string) []error {
	var errs []error
	n := d["confirmed"]
	if err := countMatches(n, acc, "confirmed orders"); err != nil {
		errs = append(errs, err)
	}
	if d["loaded"] != n*hzAmount {
		errs = append(errs, fmt.Errorf("centre loaded %d fen, %d confirmed orders of %d fen make %d", d["loaded"], n, hzAmount, n*hzAmount))
	}
	if d["paid_in"] != d["loaded"]+d["refunded"]+d["outstanding"] {
		errs = append(errs, fmt.Errorf("money in != money out: paid in %d fen, loaded %d + refunded %d + outstanding %d",
			d["paid_in"], d["loaded"], d["refunded"], d["outstanding"]))
	}
	var onCards int64
	for _, no := range cards {
		onCards += d["card:"+no+":balance"]
	}
	if onCards != n*hzAmount {
		errs = append(errs, fmt.Errorf("the run's cards gained %d fen at the centre, %d confirmed orders loaded %d", onCards, n, n*hzAmount))
	}
	return errs
}
