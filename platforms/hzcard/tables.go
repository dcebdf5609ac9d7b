package hzcard

// Entry is one row of a value table of the seed (a code and its text).
type Entry struct {
	Code string
	Desc string
}

// Desc returns the text of code in table, and whether it is there.
func Desc(table []Entry, code string) (string, bool) {
	for _, e := range table {
		if e.Code == code {
			return e.Desc, true
		}
	}
	return "", false
}

// Order states of appendix G.
const (
	StateInitial       = "1" // 初始状态: created, paid, nothing written
	StateAuthorised    = "2" // 已经密钥授权: MAC2 issued
	StateCardFailed    = "3" // 卡操作失败
	StateCardUnknown   = "4" // 卡操作结果未知
	StateConfirmed     = "5" // 交易已确认
	StateAuthorising   = "6" // 密钥授权中
	StateConfirming    = "7" // 交易确认中
	StateAdjusted      = "8" // 调整成功
	StateAdjustFailed  = "9" // 调整失败
	StateRefundApplied = "A" // 退款申请
	StateRefunded      = "B" // 退款成功
	StateRefundFailed  = "C" // 退款失败
)

// OrderStates is appendix G.
func OrderStates() []Entry {
	return []Entry{
		{StateInitial, "初始状态"}, {StateAuthorised, "已经密钥授权"}, {StateCardFailed, "卡操作失败"},
		{StateCardUnknown, "卡操作结果未知"}, {StateConfirmed, "交易已确认"}, {StateAuthorising, "密钥授权中"},
		{StateConfirming, "交易确认中"}, {StateAdjusted, "调整成功"}, {StateAdjustFailed, "调整失败"},
		{StateRefundApplied, "退款申请"}, {StateRefunded, "退款成功"}, {StateRefundFailed, "退款失败"},
	}
}

// The rules printed under appendix G, for an order whose pay state is paid.
// State 4 (result unknown) is not in the seed's lists; paycert treats it like
// 2 and 7 (erratum E-HZ-STATE4-MANAGE): the card may or may not have been
// credited, which is exactly what card management finds out.

// NeedsManagement: "订单状态为 2,7 且支付状态为已支付需要进行卡管理操作".
func NeedsManagement(state string) bool {
	return state == StateAuthorised || state == StateConfirming || state == StateCardUnknown
}

// Rechargeable: "订单状态为 1,3,6 且支付状态为已支付可进行补充值操作".
func Rechargeable(state string) bool {
	return state == StateInitial || state == StateCardFailed || state == StateAuthorising
}

// Refundable: "订单状态为 1,3,6,C 且支付状态为已支付可进行退款操作".
func Refundable(state string) bool {
	return Rechargeable(state) || state == StateRefundFailed
}

// Credited reports whether the order's money is on the card.
func Credited(state string) bool { return state == StateConfirmed || state == StateAdjusted }

// Pay states. The seed has paystate/paystatedesc in the order list but no
// table (erratum E-HZ-PAY-STATES).
const (
	PayUnpaid   = "0"
	PayPaid     = "1"
	PayRefunded = "2"
)

// PayStates is paycert's table of pay states.
func PayStates() []Entry {
	return []Entry{{PayUnpaid, "未支付"}, {PayPaid, "已支付"}, {PayRefunded, "已退款"}}
}

// Order types of appendix F.
const (
	OrderSupplementary = "40" // 补登: paid first (app), written to the card later
	OrderSelfService   = "50" // 自助设备钱包充值
)

// OrderTypes is appendix F.
func OrderTypes() []Entry {
	return []Entry{{OrderSupplementary, "补登"}, {OrderSelfService, "自助设备钱包充值"}}
}

// OrderTypeFor is the reading of E-HZ-ORDER-TYPE: an order created from a
// self-service device channel (51 BOM, 52 TVM) is type 50, any other is a
// supplementary load (40: paid online first, written to the card later).
func OrderTypeFor(chnlid string) string {
	if chnlid == "51" || chnlid == "52" {
		return OrderSelfService
	}
	return OrderSupplementary
}

// Channels is appendix E (渠道类型).
func Channels() []Entry {
	return []Entry{
		{"00", "客服"}, {"01", "银联"}, {"02", "支付宝"}, {"03", "微信"}, {"04", "易支付"},
		{"05", "微信公众号"}, {"10", "自有安卓 APP"}, {"11", "自有苹果 APP"}, {"51", "地铁 BOM 机"}, {"52", "地铁 TVM 机"},
	}
}

// CashChannel reports whether cash (paytype 01) may be taken on a channel:
// only where a person or a machine handles notes (00 counter, 51 BOM, 52
// TVM). Elsewhere cash is 000158 (reading of E-HZ-PAYTYPES).
func CashChannel(chnlid string) bool { return chnlid == "00" || chnlid == "51" || chnlid == "52" }

// PayTypes is the second "appendix E" (支付方式), plus 10 which the interface
// tables give for UnionPay (erratum E-HZ-PAYTYPES).
func PayTypes() []Entry {
	return []Entry{
		{PayTypeCash, "现金"}, {"02", "银联"}, {"03", "支付宝"}, {"04", "微信"}, {"05", "易支付"}, {"06", "特定"},
		{PayTypeUnionPay, "银联"},
	}
}

// The pay types the flows use: cash, and UnionPay as the interface tables
// of §4.2 write it ("10"; the appendix says "02": erratum E-HZ-PAYTYPES).
const (
	PayTypeCash     = "01"
	PayTypeUnionPay = "10"
)

// AreaFlags is §2.4's areaflag.
func AreaFlags() []Entry {
	return []Entry{{"00", "湖州市"}, {"01", "德清"}, {"02", "长兴"}, {"03", "安吉"}}
}

// ChargeTypes: the only charge type of §4.2.
func ChargeTypes() []Entry { return []Entry{{ChargeTypeWallet, "钱包充值"}} }

// ChargeTypeWallet is §4.2's only charge type, a purse load.
const ChargeTypeWallet = "01"

// Card states. The seed names cardstatus without a table (erratum
// E-HZ-CARD-STATES).
const (
	CardNormal   = "00"
	CardLost     = "01" // 挂失: 000114 until un-reported
	CardLocked   = "02" // 锁定: 000078
	CardReturned = "03" // 已退卡: 000078
)

// CardStates is paycert's table of card states.
func CardStates() []Entry {
	return []Entry{{CardNormal, "正常"}, {CardLost, "挂失"}, {CardLocked, "锁定"}, {CardReturned, "已退卡"}}
}

// Card types (erratum E-HZ-CARD-TYPES): what each allows is the simulator's
// fixture; the codes are paycert's.
const (
	CardTypeOrdinary = "01" // 普通卡: everything
	CardTypeStudent  = "02" // 学生卡: named only, no return (000113)
	CardTypeSenior   = "03" // 老年卡: no supplementary load (000159), no named registration (000130)
)

// CardTypes is paycert's table of card types.
func CardTypes() []Entry {
	return []Entry{{CardTypeOrdinary, "普通卡"}, {CardTypeStudent, "学生卡"}, {CardTypeSenior, "老年卡"}}
}

// Card initflag values (§4.1): a card is sold (activated) by cardSaleConfirm.
const (
	InitFlagOff = "00" // 未启用
	InitFlagOn  = "01" // 启用
)

// InitFlags is §4.1's initflag.
func InitFlags() []Entry { return []Entry{{InitFlagOff, "未启用"}, {InitFlagOn, "启用"}} }

// Order list sort orders (§4.3 orderby: "0-降序 1-升序").
const (
	OrderByDesc = "0"
	OrderByAsc  = "1"
)

// Card operation results a terminal reports in cardSaleConfirm (§4.11
// cardresult: "00-卡操作成功 01-卡操作失败").
const (
	CardResultOK     = "00"
	CardResultFailed = "01"
)

// Sale registration flags (§4.10/4.11 realnameflag: "Y 实名 N 非实名"):
// a named sale carries custinfo.
const (
	RealNameYes = "Y"
	RealNameNo  = "N"
)

// Return types of cardReturnApply (§4.12 returntype: "0: 好卡退卡 1: 坏卡退卡"):
// a good card gives its purse balance back by a DEBIT FOR PURCHASE; a bad
// card is refunded the centre's balance without any APDU.
const (
	ReturnGoodCard = "0"
	ReturnBadCard  = "1"
)
