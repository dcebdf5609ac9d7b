// Package hzcardsim is the reference centre of the Huzhou transit-card
// recharge platform (seed 003, 湖州交通一卡通 通用充值接口规范 V1.1.1): the
// twelve interfaces under /cardfront/<name>/V1, SM3withSM2 signatures both
// ways, an order state machine (appendix G) and the card-side cryptography of
// the CPU-card e-purse (MAC1, MAC2, TAC, transaction proof, secure messaging),
// computed with keys diversified from test master keys, so a software card
// from platforms/cpucard and this centre agree on every byte.
//
// # The charge flow (seed §3's diagrams are lost: erratum E-HZ-FLOW)
//
// Client, card and centre agree on this sequence; platforms/hzcard/client
// implements the client side and conformance/hzcard checks it:
//
//	client → card    SELECT purse, GET BALANCE, READ BINARY 0x15 (+ optional reads of appendix C)
//	client → centre  cardInfoQuery {apdunum, apdulist, apduresp}
//	centre → client  card info: cardno (file 0x15), limits, cardbal (GET BALANCE)
//	client → centre  chargeOrderCreate {cardno, chargetype 01, paytype, payorderno, txnamt}    (after payment)
//	centre → client  orderno, [SELECT purse, INITIALIZE FOR LOAD(key 01, amount, terminal)]     state 1, paid
//	client → card    the two commands
//	client → centre  cardChargeRequest {orderno, …, apdunum, apdulist, apduresp}               (erratum E-HZ-CHARGE-APDU)
//	centre           checks the list is the one issued, SWs, key version, MAC1 (000031),
//	                 old balance + amount ≤ walletmaxbal (000041), computes MAC2                 state 2
//	centre → client  [CREDIT FOR LOAD(date, time, MAC2)]
//	client → card    CREDIT FOR LOAD → TAC
//	client → centre  cardChargeConfirm {…, apdulist, apduresp = TAC‖9000}
//	centre           checks the TAC (000043 → state 4), credits its ledger                      state 5
//
// A tear: when the card goes away during CREDIT FOR LOAD the client sends the
// confirm with an empty apduresp (fewer results than commands); the centre
// answers 000151 and the order goes to 4. Any order in 2, 4 or 7 is resolved
// by management (erratum E-HZ-MANAGE):
//
//	client → centre  chargeOrderManageRequest {orderno, …}
//	centre → client  [SELECT purse, GET BALANCE, GET TRANSACTION PROOF(02, onlineSeq+1)]
//	client → card    the three commands
//	client → centre  chargeOrderManageConfirm {…, apdulist, apduresp}
//	centre           proof 9000 whose MAC is our MAC2 and whose TAC verifies: credited          state 8, 000000
//	                 proof 9406 and balance = the balance before the load: not credited         state 3, 000152
//	                 anything else                                                              state 9, 000155
//
// An order in 3 (or 1) can be charged again from cardChargeRequest (a new
// INITIALIZE FOR LOAD: the client runs chargeOrderCreate's list again) or
// cancelled (refund). A tear before the card answered INITIALIZE FOR LOAD
// leaves the order in 1: charge again.
//
// Activation (4.10/4.11): client runs SELECT purse and GET CHALLENGE, sends the
// challenge response; the centre answers UPDATE BINARY 0x15 with the
// secure-messaging MAC under the card's DAMK; the confirm carries its
// response. Card return (4.12/4.13): the client runs SELECT purse and
// INITIALIZE FOR PURCHASE(key 01, the whole balance, terminal) and sends the
// response; the centre answers DEBIT FOR PURCHASE with MAC1 (it plays the
// PSAM, its own terminal sequence); the confirm carries TAC‖MAC2, which the
// centre checks (MAC2 000030, TAC 000043) before refunding balance and
// deposit. A bad card (returntype 1) sends no APDUs; the centre refunds its
// own balance.
//
// # The default fixture
//
//	joininstid HZTEST0001, instid 33050001, keys hzcard.TestInstKeyHex / TestInstPubHex;
//	centre key hzcard.TestCentreKeyHex, public hzcard.TestCentrePubHex
//	merchant 330500000000001 terminal 10000001: quota 10^12 fen, fees configured
//	merchant 330500000000002 terminal 10000002: no quota configured (000001); terminal 10000009 is its too (000019 with merchant 1)
//	merchant 330500000000003 terminal 10000003: no card service fee configured (000072)
//	merchant 330500000000004 terminal 10000004: 5000 fen of quota (000094)
//	card types: 01 普通卡 (deposit 2000), 02 学生卡 (no return: 000113), 03 老年卡 (no 补登: 000159, no named sale: 000130)
//	limits: chargebase 100, minsvamt 1000, per-charge max 50000, walletmaxbal 100000 (fen)
//	cards 2253000000000001..05: ordinary, sold, normal, balance 0
//	lab batch 2253200000000001..2253200000002000: ordinary, sold, normal, balance 0, and
//	2253300000000001..2253300000000400: ordinary, unsold; the centre holds their keys but no
//	software card (LabCardFirst, LabUnsoldFirst): a client in another process builds them
//	2253000000000010 blacklisted (000038), 11 reported lost (000114), 12 locked (000078), 13 unsold (10000B on charge; activation),
//	14 student, 15 senior, 16 unsold senior; 2253999999999999 does not exist (000022/000024)
//	card keys: cpucard.DeriveKeys(3DES, cpucard.TestMasterKeys(), cardno); key index 01, key version 01, algorithm 00
//	card variants (AddCard with CardSpec.AID, KeyIndex, Cipher): the load and management lists select the
//	card's AID and send its key index, keys and MACs use its cipher (SM4: algorithm 04); SetZone dates in another zone
//
// Every card, fixture or added with AddCard, has a software card (Card)
// personalised with the same keys and balance, for in-process flows; Audit
// compares each with the centre's ledger.
//
// # Readings (each is an Erratum in hzcard.Catalogue())
//
// URLs chargeOrderQuery/chargeOrderCancel (E-HZ-ORDER-URLS); data is a JSON
// object (E-HZ-DATA-OBJECT); sign over the message with "sign":"" under ZA
// with the default ID, 128 uppercase hex r‖s, bad request signature 000020
// (E-HZ-SIGN-DOMAIN, E-HZ-SIGN-CODE); malformed JSON and bad fields 999999,
// no data 000014 (E-HZ-FORMAT-CODE); 000071 twice (E-HZ-DUP-000071) and
// 000159 twice (E-HZ-DUP-000159) told apart by resultdesc; limits
// (E-HZ-LIMIT-CODES, E-HZ-MAXSVAMT); pay types 01-06 and 10, cash only on
// channels 00/51/52 (E-HZ-PAYTYPES); payorderno unique (000090,
// E-HZ-DUP-ORDER); joininstssn unique (000082, E-HZ-DUP-SSN); order type by
// channel (E-HZ-ORDER-TYPE); pay, card states and card types
// (E-HZ-PAY-STATES, E-HZ-CARD-STATES, E-HZ-CARD-TYPES); state 4 needs
// management (E-HZ-STATE4-MANAGE); 6 and 7 are never observable
// (E-HZ-STATE-TRANSIENT); cancel goes to B at once (E-HZ-CANCEL-STATE);
// terminal number 0000‖termid (E-HZ-TERMINAL-ID); settdate = txndate
// (E-HZ-SETTDATE); every reply HTTP 200 and signed (E-HZ-HTTP-STATUS).
// Uniqueness and orders are kept for a history window (E-HZ-HISTORY): the
// latest sim.Options.History serial numbers and orders, an order only aging
// out once final (5, 8, B); Totals and Audit count aged orders by their
// sums, so the ledger stays exact and a soak holds flat memory.
//
// # Order of the request checks, and strict mode
//
// A request is judged in this order, each refusal ending it: interface and
// method (999999); the body's charset, UTF-8, before anything is decoded
// (999999 naming the member that holds GBK or other bytes, E-HZ-CHARSET);
// the JSON envelope (999999); joininstid, which selects the key
// (000016, E-HZ-JOININSTID-FIRST); the signature (000020); the data object,
// absent, null or {} (000014, E-HZ-DATA-REQUIRED), or not an object
// (999999); the field table (hzcard.CheckFields: missing, empty, lengths in
// characters (E-HZ-LENGTH-UNIT), digits, dates, hex, objects; 999999); the
// envelope's values (areaflag, chnlid), the identities (instid 000016,
// merchant 000017, terminal 000018 and 000019), a replayed joininstssn
// (000082); then the interface's own rules. Nothing is stored before the
// field table has passed.
//
// With sim.Options.Strict every refusal for a rule of the spec (not the
// business outcomes: unknown orders, limits, card states) is recorded as
// one sim.Violation naming the element (Path: "netid", "data.cardno"), the
// rule, the seed section, the value (sim.Short) and the code answered; the
// conformance suite's generated negatives assert exactly one record per
// broken field, and that its valid requests record nothing.
//
// Card checks, in order, for the business interfaces: unknown card 000024,
// blacklisted 000038, reported lost 000114, locked or returned 000078, not
// activated 10000B.
//
// # Faults
//
// reply-unsigned, reply-signed-wrong-key, accept-bad-signature, verify-wrong-key,
// mac1-not-checked, mac2-wrong-data, tac-not-checked,
// proof-counter-not-advanced, credit-twice-on-replay, order-state-skipped,
// balance-limit-off-by-one, duplicate-payorder-accepted, apdu-count-ignored,
// cancel-after-credit, manage-always-credits, card-info-drops-field,
// blacklist-ignored; in validation (killed by the generated negatives):
// length-counted-in-bytes, max-length-off-by-one,
// required-data-member-unchecked, charset-not-checked,
// date-checked-as-digits, empty-data-accepted,
// state-changed-before-field-check. Faults() describes each.
package hzcardsim
