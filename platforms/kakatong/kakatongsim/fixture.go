package kakatongsim

import (
	"fmt"
	"strconv"
	"time"
)

// The default fixture: the seed's test accounts (测试实例) plus a card,
// merchant, terminal or key for every state a code needs. doc.go lists it.
const (
	CopNo       = "1155"
	PosCode     = "11552001"
	LicenceKey  = "NV41VDlSNldhFTFeYw0z"
	Password    = "111111"
	CardNew     = "1680115500000125" // not yet activated (the seed activates it)
	CardFirst   = "1680115500000126" // 126..133: active, 1000.00 yuan and 1000 points each
	CardLast    = "1680115500000133"
	PosCapped   = "11552002" // daily recharge cap 500.00 yuan (58)
	PosCounted  = "11552003" // 5 trades a day (67)
	ItemDouble  = "200"      // points rule: double points (0033)
	ItemPlain   = "123"      // points rule: one point per unit, as in the seed's sample ITEMCODE
	ExpiredKey  = "KKT1155ExpiredLicence0"
	OtherCopNo  = "1156"
	OtherKey    = "KKT1156OtherMerchantKey0"
	OtherPos    = "11562001"
	LowCopNo    = "1157"
	LowKey      = "KKT1157LowIssuerAccount"
	LowPos      = "11572001"
	ClosedCopNo = "1158"
	ClosedKey   = "KKT1158ClosedMerchant00"
	ClosedPos   = "11582001"
	TestCopNo   = "1160"
	TestKey     = "KKT1160TestModeMerchant"
	TestPos     = "11602001"
	TestCard    = "1680116000000001"

	CardLost      = "1680115500000201"
	CardCancelled = "1680115500000202"
	CardReplaced  = "1680115500000203"
	CardFrozen    = "1680115500000204"
	CardExpired   = "1680115500000205"
	CardNotYet    = "1680115500000206"
	CardPoints    = "1680115500000207" // points-only
	CardValue     = "1680115500000208" // stored value only
	CardDupMobile = "1680115500000210" // inactive; holder mobile already on 211 (59)
	CardMobile    = "1680115500000211"
	CardOtherIss  = "1680115600000001" // inactive, issued by 1156 (52 when 1155 activates it)
	CardFaceValue = "1680115700000001" // inactive, face value 100.00 yuan, issuer 1157 has 1.00 yuan (54)
	CardActiveNew = "1680115500000212" // inactive, second activation target
	MobileTaken   = "13800000001"

	// InactivePool is the first of PoolSize cards that are not yet active
	// and empty (1680115500000300..): an outside client certifying the
	// simulator (paycert sim --write-config) activates one per activation
	// spec, so a run and the next find fresh ones.
	InactivePool = 1680115500000300
	PoolSize     = 100

	// RechargeCap is PosCapped's daily recharge cap in fen (58) and
	// DailyTrades PosCounted's trades a day (67).
	RechargeCap = 50_000
	DailyTrades = 5

	// SingleLimit is every fixture card's per-trade limit (09): 10,000.00 yuan.
	SingleLimit = 1_000_000
)

func (s *Simulator) loadFixture() error {
	past := time.Date(2020, 1, 1, 0, 0, 0, 0, cst)
	future := time.Date(2099, 1, 1, 0, 0, 0, 0, cst)
	steps := []error{
		s.AddMerchant(MerchantSpec{CopNo: CopNo, Name: "卡卡通测试商户", Prepaid: 1_000_000_000}),
		s.AddMerchant(MerchantSpec{CopNo: OtherCopNo, Name: "其他消费商户", Prepaid: 1_000}),
		s.AddMerchant(MerchantSpec{CopNo: LowCopNo, Name: "余额不足发卡商户", Prepaid: 100}),
		s.AddMerchant(MerchantSpec{CopNo: ClosedCopNo, Name: "已封闭商户", Closed: true, Prepaid: 1_000_000}),
		s.AddMerchant(MerchantSpec{CopNo: TestCopNo, Name: "测试模式商户", TestMode: true, Prepaid: 1_000_000_000}),
		s.AddTerminal(TerminalSpec{PosCode: PosCode, CopNo: CopNo}),
		s.AddTerminal(TerminalSpec{PosCode: PosCapped, CopNo: CopNo, DailyRecharge: RechargeCap}),
		s.AddTerminal(TerminalSpec{PosCode: PosCounted, CopNo: CopNo, DailyMaxTrades: DailyTrades}),
		s.AddTerminal(TerminalSpec{PosCode: OtherPos, CopNo: OtherCopNo}),
		s.AddTerminal(TerminalSpec{PosCode: LowPos, CopNo: LowCopNo}),
		s.AddTerminal(TerminalSpec{PosCode: ClosedPos, CopNo: ClosedCopNo}),
		s.AddTerminal(TerminalSpec{PosCode: TestPos, CopNo: TestCopNo}),
		s.AddLicence(LicenceSpec{Key: LicenceKey, CopNo: CopNo}),
		s.AddLicence(LicenceSpec{Key: ExpiredKey, CopNo: CopNo, Expires: past}),
		s.AddLicence(LicenceSpec{Key: OtherKey, CopNo: OtherCopNo}),
		s.AddLicence(LicenceSpec{Key: LowKey, CopNo: LowCopNo}),
		s.AddLicence(LicenceSpec{Key: ClosedKey, CopNo: ClosedCopNo}),
		s.AddLicence(LicenceSpec{Key: TestKey, CopNo: TestCopNo}),
	}
	card := func(no string, mod func(*CardSpec)) error {
		c := CardSpec{No: no, Issuer: CopNo, Password: Password, Balance: 100_000, Points: 1_000, SingleLimit: SingleLimit}
		if mod != nil {
			mod(&c)
		}
		return s.AddCard(c)
	}
	steps = append(steps, card(CardNew, func(c *CardSpec) { c.State, c.Balance, c.Points = Inactive, 0, 0 }))
	for i := 126; i <= 133; i++ {
		steps = append(steps, card(fmt.Sprintf("1680115500000%d", i), nil))
	}
	for i := 0; i < PoolSize; i++ {
		steps = append(steps, card(strconv.Itoa(InactivePool+i), func(c *CardSpec) { c.State, c.Balance, c.Points = Inactive, 0, 0 }))
	}
	steps = append(steps,
		card(CardLost, func(c *CardSpec) { c.State = Lost }),
		card(CardCancelled, func(c *CardSpec) { c.State = Cancelled }),
		card(CardReplaced, func(c *CardSpec) { c.State = Replaced }),
		card(CardFrozen, func(c *CardSpec) { c.State = Frozen }),
		card(CardExpired, func(c *CardSpec) { c.ExpireAt = past }),
		card(CardNotYet, func(c *CardSpec) { c.ValidFrom = future }),
		card(CardPoints, func(c *CardSpec) { c.Kind, c.Balance, c.Points = PointsOnly, 0, 5_000 }),
		card(CardValue, func(c *CardSpec) { c.Kind, c.Points = ValueOnly, 0 }),
		card(CardDupMobile, func(c *CardSpec) { c.State, c.Mobile = Inactive, MobileTaken }),
		card(CardMobile, func(c *CardSpec) { c.Mobile = MobileTaken }),
		card(CardActiveNew, func(c *CardSpec) { c.State, c.Balance, c.Points = Inactive, 0, 0 }),
		card(CardOtherIss, func(c *CardSpec) { c.Issuer, c.State = OtherCopNo, Inactive }),
		card(CardFaceValue, func(c *CardSpec) { c.Issuer, c.State, c.Balance, c.FaceValue = LowCopNo, Inactive, 0, 10_000 }),
		card(TestCard, func(c *CardSpec) { c.Issuer, c.Balance = TestCopNo, 100_000_000 }),
	)
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	s.items[ItemPlain] = item{Name: "会员积分", Rate: 100}
	s.items[ItemDouble] = item{Name: "双倍积分", Rate: 200}
	return nil
}
