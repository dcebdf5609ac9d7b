package kakatong

// Fill names the reply field a trade row fills (the table's fourth column).
type Fill string

const (
	FillBalance Fill = "Integral" // stored-value balance after the trade, fen
	FillPoints  Fill = "Points"   // points balance after the trade
	FillIDNum   Fill = "IDNum"    // the bound mobile/ID number (2200/1), sent in Integral
	FillStream  Fill = "Stream"   // stream records (0012)
	FillNone    Fill = ""         // the code alone carries the result
)

// Trade type/mode pairs that code keys on outside the table (the rest are
// only ever looked up through Rows and RowFor).
const (
	TypeConsume, ModeConsume   = "0022", "1" // stored-value purchase, the load runs' hot path
	TypeStream, ModeStream     = "0012", "0" // the stream query, also sent by getTradeStream
	TypeBind, ModeBind         = "2200", "1" // bind mobile/ID (mode 0 unbinds)
	TypeActivate, ModeActivate = "0001", "1" // card activation
)

// Family groups rows by what they touch; the simulator's rules key on it.
type Family string

const (
	FamConsume   Family = "consume"  // 0022
	FamRecharge  Family = "recharge" // 1100-1103
	FamPointsAdd Family = "points-add"
	FamPointsUse Family = "points-use"
	FamQuery     Family = "query"
	FamStream    Family = "stream"
	FamBind      Family = "bind"
	FamPassword  Family = "password"
	FamActivate  Family = "activate"
	FamStreamRet Family = "stream-return"
	FamReversal  Family = "reversal"
)

// Row is one line of "交易类型及代码一览表".
type Row struct {
	Type, Mode string // TRADETYPE, TRADEMODE ("-" for 0400, whose mode the seed leaves blank)
	Name       string // the seed's Chinese name (sent as TradeName)
	NameEN     string
	Family     Family
	Undo       bool   // an undo (撤销) of another row: needs STANCE_REV
	Fill       Fill   // the reply field the row fills
	OK         string // the success code
	Stance     bool   // a successful trade gets a stance number
	Money      bool   // AMOUNT is required and moves stored value or points
}

// Rows returns the 24 trade rows in the seed's order.
func Rows() []Row {
	t := rowTable()
	return t[:]
}

// rowTable is the table as an array value: RowFor and UndoOf run on every
// simulated trade, and ranging over a returned array stays on the stack,
// where Rows' slice is a 3 KB heap allocation per call (22% of the bytes
// BenchmarkConsumeREST allocated).
func rowTable() [24]Row {
	return [24]Row{
		{TypeConsume, ModeConsume, "储值消费", "Stored-value purchase", FamConsume, false, FillBalance, CodeOK, true, true},
		{"0022", "0", "消费撤销", "Purchase undo", FamConsume, true, FillBalance, CodeOK, true, true},
		{"1100", "0", "网上储值充值", "Online recharge", FamRecharge, false, FillBalance, CodeOK, true, true},
		{"1100", "1", "网上充值撤销", "Online recharge undo", FamRecharge, true, FillBalance, CodeOK, true, true},
		{"1101", "0", "网银支付", "Online-bank payment", FamRecharge, false, FillBalance, CodeOK, true, true},
		{"1101", "1", "网银支付撤销", "Online-bank payment undo", FamRecharge, true, FillBalance, CodeOK, true, true},
		{"1102", "0", "终端储值充值", "Terminal recharge", FamRecharge, false, FillBalance, CodeOK, true, true},
		{"1102", "1", "终端充值撤销", "Terminal recharge undo", FamRecharge, true, FillBalance, CodeOK, true, true},
		{"1103", "0", "网银储值充值", "Online-bank recharge", FamRecharge, false, FillBalance, CodeOK, true, true},
		{"1103", "1", "网银储值撤销", "Online-bank recharge undo", FamRecharge, true, FillBalance, CodeOK, true, true},
		{"0033", "0", "积分累加", "Points accrual", FamPointsAdd, false, FillPoints, CodeOK, true, true},
		{"0033", "1", "累加撤销", "Points accrual undo", FamPointsAdd, true, FillPoints, CodeOK, true, true},
		{"0034", "1", "积分消费", "Points purchase", FamPointsUse, false, FillPoints, CodeOK, true, true},
		{"0034", "0", "积分消费撤销", "Points purchase undo", FamPointsUse, true, FillPoints, CodeOK, true, true},
		{"0011", "0", "储值查询", "Balance query", FamQuery, false, FillBalance, CodeOK, true, false},
		{"0011", "1", "积分查询", "Points query", FamQuery, false, FillPoints, CodeOK, true, false},
		{TypeStream, ModeStream, "交易流水", "Transaction stream", FamStream, false, FillStream, CodeOK, false, false},
		{TypeBind, ModeBind, "手机/身份证绑定", "Bind mobile/ID", FamBind, false, FillIDNum, CodeBound, false, false},
		{TypeBind, "0", "绑定撤销", "Unbind mobile/ID", FamBind, true, FillNone, CodeUnbound, false, false},
		{"4400", "0", "修改密码", "Change password", FamPassword, false, FillNone, CodePwdChanged, false, false},
		{"4400", "1", "重置密码", "Reset password", FamPassword, false, FillNone, CodePwdReset, false, false},
		{TypeActivate, ModeActivate, "领卡激活", "Card activation", FamActivate, false, FillNone, CodeActivated, false, false},
		{"0002", "1", "交易流水返回", "Stream return", FamStreamRet, false, FillNone, CodeOK, false, false},
		{"0400", "-", "交易冲正", "Reversal", FamReversal, false, FillNone, CodeReversed, false, false},
	}
}

// RowFor finds the row of a TRADETYPE/TRADEMODE pair. For 0400 any mode in
// "", "-" matches (the seed leaves it blank). known reports whether the type
// exists at all, so the caller can tell 03 (type) from 04 (mode).
func RowFor(typ, mode string) (r Row, ok, known bool) {
	for _, row := range rowTable() {
		if row.Type != typ {
			continue
		}
		known = true
		if row.Mode == mode || (row.Mode == "-" && mode == "") {
			return row, true, true
		}
	}
	return Row{}, false, known
}

// UndoOf returns the forward row an undo row cancels (same type, the other mode).
func UndoOf(undo Row) (Row, bool) {
	for _, r := range rowTable() {
		if r.Type == undo.Type && r.Family == undo.Family && !r.Undo && r.Mode != undo.Mode {
			return r, true
		}
	}
	return Row{}, false
}
