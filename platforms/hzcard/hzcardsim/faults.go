package hzcardsim

import "paycert/platforms/sim"

// Fault names. Each is a plausible bug of a real centre; the suite must
// fail with any one of them switched on.
const (
	FaultReplyUnsigned       = "reply-unsigned"
	FaultReplyWrongKey       = "reply-signed-wrong-key"
	FaultAcceptBadSignature  = "accept-bad-signature"
	FaultVerifyWrongKey      = "verify-wrong-key"
	FaultMAC1NotChecked      = "mac1-not-checked"
	FaultMAC2WrongData       = "mac2-wrong-data"
	FaultTACNotChecked       = "tac-not-checked"
	FaultProofCounter        = "proof-counter-not-advanced"
	FaultCreditTwice         = "credit-twice-on-replay"
	FaultStateSkip           = "order-state-skipped"
	FaultLimitOffByOne       = "balance-limit-off-by-one"
	FaultDuplicatePayOrder   = "duplicate-payorder-accepted"
	FaultAPDUCountIgnored    = "apdu-count-ignored"
	FaultCancelAfterCredit   = "cancel-after-credit"
	FaultManageAlwaysCredits = "manage-always-credits"
	FaultInfoDropsField      = "card-info-drops-field"
	FaultBlacklistIgnored    = "blacklist-ignored"

	// Validation faults (issue 17): each is killed by the generated negatives.
	FaultLengthInBytes     = "length-counted-in-bytes"
	FaultLengthOffByOne    = "max-length-off-by-one"
	FaultRequiredUnchecked = "required-data-member-unchecked"
	FaultCharsetNotChecked = "charset-not-checked"
	FaultDateDigitsOnly    = "date-checked-as-digits"
	FaultEmptyDataAccepted = "empty-data-accepted"
	FaultStateBeforeCheck  = "state-changed-before-field-check"
)

// faults lists every fault with what the broken centre does.
func faults() []sim.Fault {
	return []sim.Fault{
		{Name: FaultReplyUnsigned, Description: "replies carry an empty sign: the centre forgot to sign"},
		{Name: FaultReplyWrongKey, Description: "replies are signed with a key other than the centre's published one"},
		{Name: FaultAcceptBadSignature, Description: "requests are not verified: a bad or missing signature is served as if valid"},
		{Name: FaultVerifyWrongKey, Description: "requests are verified under the centre's own key instead of the institution's: every correctly signed request is refused with 000020"},
		{Name: FaultMAC1NotChecked, Description: "the charge request does not verify the card's MAC1 and issues MAC2 for a forged INITIALIZE FOR LOAD reply"},
		{Name: FaultMAC2WrongData, Description: "MAC2 is computed over transaction type 01 (deposit) instead of 02 (purse): every card refuses CREDIT FOR LOAD"},
		{Name: FaultTACNotChecked, Description: "the charge confirm accepts any TAC"},
		{Name: FaultProofCounter, Description: "the manage request asks GET TRANSACTION PROOF for the counter the load used instead of counter+1, so a credited card looks uncredited"},
		{Name: FaultCreditTwice, Description: "a confirm replayed on a confirmed order credits the centre's ledger again and answers 000000"},
		{Name: FaultStateSkip, Description: "the charge request moves the order straight to 5 and credits the ledger before the card has written anything"},
		{Name: FaultLimitOffByOne, Description: "walletmaxbal is enforced with >= instead of >: a charge to exactly the maximum balance is refused with 000041"},
		{Name: FaultDuplicatePayOrder, Description: "a reused payorderno creates a second order instead of 000090"},
		{Name: FaultAPDUCountIgnored, Description: "apdunum is not compared with the lists: a short apduresp is not 000026"},
		{Name: FaultCancelAfterCredit, Description: "a confirmed (credited) order can be cancelled and refunded: money paid twice"},
		{Name: FaultManageAlwaysCredits, Description: "the manage confirm marks the order adjusted (8) and credits the ledger without checking the transaction proof"},
		{Name: FaultInfoDropsField, Description: "cardInfoQuery's reply omits cardfaceno"},
		{Name: FaultBlacklistIgnored, Description: "blacklisted cards can create charge orders"},
		{Name: FaultLengthInBytes, Description: "lengths are counted in UTF-8 bytes instead of characters: a 14-character Chinese netid (42 bytes) is refused as over 32 (erratum E-HZ-LENGTH-UNIT)"},
		{Name: FaultLengthOffByOne, Description: "a maximum length is enforced with > max+1: a value one character too long is accepted"},
		{Name: FaultRequiredUnchecked, Description: "a required data member left out is not refused by the field table; the business goes on with an empty value"},
		{Name: FaultCharsetNotChecked, Description: "a request whose text is GBK is not refused: the decoder turns its bytes into U+FFFD and the centre serves the mojibake (erratum E-HZ-CHARSET)"},
		{Name: FaultDateDigitsOnly, Description: "dates and times are checked for digits only: reqdate 20261332 and reqtime 256161 are accepted"},
		{Name: FaultEmptyDataAccepted, Description: "an empty data object ({}) is judged by the field table (999999, one violation per member) instead of 000014 (erratum E-HZ-DATA-REQUIRED)"},
		{Name: FaultStateBeforeCheck, Description: "the business of a request is done before its field check refuses it: a refused chargeOrderCreate still creates its order, a refused cancel still refunds"},
	}
}
