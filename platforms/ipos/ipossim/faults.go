package ipossim

import "paycert/platforms/sim"

// Fault names. Each is a bug a real iPos implementation plausibly has; the
// conformance suite must fail with any one of them switched on.
const (
	FaultMACOverUTF8          = "mac-over-utf8"
	FaultDropSysSeq           = "drop-sys-seq"
	FaultWrongShortCode       = "wrong-code-balance-short"
	FaultDuplicatePosSeq      = "duplicate-pos-seq-accepted"
	FaultReversalNoRestore    = "reversal-no-restore"
	FaultDailyCountsCancel    = "daily-counts-cancellations"
	FaultPosSeqNotEchoed      = "pos-seq-not-echoed"
	FaultRejectUnknownElement = "reject-unknown-element"
	FaultReplyUTF8            = "reply-utf8"
	FaultRemainOffByOne       = "remain-amt-off-by-one"
	FaultExpiryIgnored        = "expiry-ignored"
	FaultIPNotChecked         = "ip-not-checked"
	FaultRefundNoRestore      = "gift-refund-no-restore"
	FaultTraceStatusStale     = "trace-status-stale"
	FaultDailyNotReset        = "daily-not-reset"
	FaultCancelTwice          = "cancel-twice-restores-twice"
	// Validation faults (#17): each is killed by the generated negatives.
	FaultLenInCharacters   = "length-in-characters"
	FaultPosIDEmptyOK      = "pos-id-empty-accepted"
	FaultCharsetDecodeOnly = "charset-decode-only"
	FaultFenDecimal        = "fen-decimal-accepted"
	FaultDateUnchecked     = "date-calendar-unchecked"
	FaultVerifyBeforeCheck = "verify-before-field-check"
)

// faultList is every fault with what the broken implementation does.
func faultList() []sim.Fault {
	return []sim.Fault{
		{Name: FaultMACOverUTF8, Description: "checks the request MAC over the UTF-8 transcoding of the xml instead of the GBK bytes sent, so any request with Chinese text fails 6100"},
		{Name: FaultDropSysSeq, Description: "leaves the required sys_seq element out of card_query and card_verify replies"},
		{Name: FaultWrongShortCode, Description: "answers 9990 (交易失败) instead of 0325 (剩余金额不足) when the remaining amount is short"},
		{Name: FaultDuplicatePosSeq, Description: "does not remember pos_seq: a resent verification moves money a second time"},
		{Name: FaultReversalNoRestore, Description: "answers 0000 to a reversal but leaves the voucher's amount/times consumed"},
		{Name: FaultDailyCountsCancel, Description: "adds cancellations to the daily summary instead of subtracting them"},
		{Name: FaultPosSeqNotEchoed, Description: "puts the platform's sys_seq in the reply's pos_seq instead of echoing the terminal's"},
		{Name: FaultRejectUnknownElement, Description: "rejects a request carrying an element it does not know with 6106"},
		{Name: FaultReplyUTF8, Description: "sends its replies in UTF-8 (declared UTF-8) instead of GBK"},
		{Name: FaultRemainOffByOne, Description: "reports remain_amt one fen lower than the balance it keeps after a verification"},
		{Name: FaultExpiryIgnored, Description: "does not check end_use_time: an expired voucher verifies"},
		{Name: FaultIPNotChecked, Description: "does not check the merchant's allowed IP addresses (6103 never happens)"},
		{Name: FaultRefundNoRestore, Description: "answers 0000 to a gift-card refund but does not restore the card's overplus"},
		{Name: FaultTraceStatusStale, Description: "leaves a refunded consume row at status 1 in the trace list"},
		{Name: FaultDailyNotReset, Description: "does not close the window at a daily: the next daily counts the same verifications again"},
		{Name: FaultCancelTwice, Description: "lets a cancelled verification be cancelled again, restoring its amount twice"},
		{Name: FaultLenInCharacters, Description: "counts field lengths in characters instead of GBK bytes, so 6 Chinese characters (12 bytes) pass as a pos_id of at most 10"},
		{Name: FaultPosIDEmptyOK, Description: "drops the check for a missing or empty pos_id (5211): the request goes on to the terminal lookup"},
		{Name: FaultCharsetDecodeOnly, Description: "refuses only bytes GBK cannot decode: UTF-8 text declared GBK that happens to decode is accepted as mojibake"},
		{Name: FaultFenDecimal, Description: "accepts an amount with a decimal point (1.5) and truncates it to whole fen instead of answering 5221"},
		{Name: FaultDateUnchecked, Description: "checks daily_day, s_time and e_time for 8 digits only, so 20261332 passes as a date"},
		{Name: FaultVerifyBeforeCheck, Description: "debits the voucher of a card_verify before checking the request's fields, so a refused verification still moves money"},
	}
}
