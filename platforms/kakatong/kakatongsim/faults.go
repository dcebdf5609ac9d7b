package kakatongsim

import "paycert/platforms/sim"

// Profiles: the two readings of a REST reply's shape in seed 000
// (E-KAKATONG-RECORD-WRAPPER). The interface sections wrap the fields in
// <Record> (the default); the sample section and the sample PHP
// ($xml->PayInResult) read them at the root of <TradeResult>.
const (
	ProfileRecord = "record"
	ProfileRoot   = "root"
)

// Fault names. Each is a plausible bug of a real gateway; the conformance
// suite must fail with any one of them switched on.
const (
	FaultDupWindow23h      = "dup-window-23h"
	FaultDupIgnoresTerm    = "dup-ignores-terminal"
	FaultUndoTwice         = "undo-restores-twice"
	FaultSOAPArrayLicence  = "soap-array-on-licence-error"
	FaultSwapPoints        = "points-balance-swapped"
	FaultNoRecordWrapper   = "record-wrapper-missing"
	FaultGB2312Undeclared  = "gb2312-sent-as-utf8"
	FaultUndoOtherMerchant = "undo-other-merchant"
	FaultStance6           = "stance-six-digits"
	FaultChineseDefault    = "chinese-by-default"
	FaultTestCap101        = "test-mode-cap-101"
	FaultExpiryIgnored     = "expiry-ignored"
	FaultUndoAmount        = "undo-amount-unchecked"
	FaultReversalKeeps     = "reversal-keeps-money"
	FaultFrozenAsLost      = "frozen-as-lost"

	// Validation faults (#17): each breaks one field rule the generated
	// negatives (conformance/kakatongsuite/generated.go) hold the gateway to.
	FaultLenInChars       = "holder-length-in-characters"
	FaultMissingFilter    = "missing-stream-filter-as-zero"
	FaultCharsetSkipped   = "soap-charset-unchecked"
	FaultDecimalAmount    = "decimal-amount-truncated"
	FaultMoneyBeforeCheck = "money-before-itemcode-check"
	FaultLicenceLength    = "licence-length-unchecked"
)

// faults lists every fault the simulator can inject.
func faults() []sim.Fault {
	return []sim.Fault{
		{Name: FaultDupWindow23h, Description: "the duplicate rule looks back 23 h instead of 24 h, so a repeat after 23 h 30 min is accepted"},
		{Name: FaultDupIgnoresTerm, Description: "the duplicate rule ignores the terminal: the same card and amount on another terminal is refused with 12"},
		{Name: FaultUndoTwice, Description: "a purchase undo credits the card twice the original amount"},
		{Name: FaultSOAPArrayLicence, Description: "SOAP answers a licence-key error with a result array (PayInForm = 1) instead of the bare number"},
		{Name: FaultSwapPoints, Description: "the reply puts the points balance in Integral and the stored-value balance in Points"},
		{Name: FaultNoRecordWrapper, Description: "REST replies put the fields directly under <TradeResult>, without <Record>"},
		{Name: FaultGB2312Undeclared, Description: "with LANG=GB2312 the REST reply is encoded GB2312 but still declares UTF-8"},
		{Name: FaultUndoOtherMerchant, Description: "an undo of another merchant's trade is accepted instead of 64"},
		{Name: FaultStance6, Description: "stance numbers are sent with six digits"},
		{Name: FaultChineseDefault, Description: "without LANG the texts are Chinese instead of English"},
		{Name: FaultTestCap101, Description: "the test-mode cap refuses the 102nd trade of the day instead of the 101st"},
		{Name: FaultExpiryIgnored, Description: "an expired card still trades"},
		{Name: FaultUndoAmount, Description: "an undo whose AMOUNT differs from the original's is accepted (and refunds the original amount)"},
		{Name: FaultReversalKeeps, Description: "a 0400 reversal answers 18 but leaves the balance as it was"},
		{Name: FaultFrozenAsLost, Description: "a frozen card is answered with 14 (lost) instead of 此卡已冻结"},
		{Name: FaultLenInChars, Description: "holder fields (USR_*) are measured in characters, not GB2312 bytes: 33 Chinese characters (66 bytes) pass the 64-byte limit"},
		{Name: FaultMissingFilter, Description: "tSRequest reads a missing filter (CARDNO, POSCODE, STANCE_NO, START, END) as 0 instead of refusing the request"},
		{Name: FaultCharsetSkipped, Description: "a SOAP body is not checked against the charset it declares: UTF-8 declared GB2312 is read as GB2312 and its mojibake stored"},
		{Name: FaultDecimalAmount, Description: "an AMOUNT with a decimal point is read as its integer part (1.5 -> 1 fen) instead of 02"},
		{Name: FaultMoneyBeforeCheck, Description: "a purchase with a malformed ITEMCODE debits the card before the ITEMCODE is refused with 00"},
		{Name: FaultLicenceLength, Description: "a licence key outside 16-512 characters is looked up and answered 1 (invalid) instead of 3 (illegal)"},
	}
}
