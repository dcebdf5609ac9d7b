package cpucard

import (
	"encoding/binary"
	"fmt"
)

// Short file identifiers of the purse application (cards.md, seed 003
// appendix C).
const (
	SFIPublic     byte = 0x15 // public information, 30 bytes, binary
	SFIHolder     byte = 0x16 // holder information, 55 bytes, binary
	SFIManagement byte = 0x17 // management information, 60 bytes, binary
	SFILog        byte = 0x18 // transaction log, cyclic, 10 × 23
	SFIComposite  byte = 0x19 // composite-application records, 18 × 48 (layout unknown: zero-filled)
	SFIFile05     byte = 0x05 // binary, 32 bytes, layout unknown (IDX_0035)
	SFIFile06     byte = 0x06 // binary, 32 bytes, layout unknown (IDX_0036)
	SFILoads      byte = 0x07 // recharge detail, cyclic, 4 × 32 (paycert's layout, see LoadDetail)
	SFIPurchases  byte = 0x08 // purchase detail, cyclic, 8 × 32 (paycert's layout, see PurchaseDetail)
)

// Sizes of the files above (cards.md): record length and count of each
// record file, length of each binary one. Readers of a real card and the
// hardware specs use these rather than re-typing them.
const (
	LogRecordLen     = 23 // file 0x18, LogRecords records
	LogRecords       = 10
	DetailLen        = 32 // files 0x07 (LoadRecords) and 0x08 (PurchaseRecords)
	LoadRecords      = 4
	PurchaseRecords  = 8
	CompositeLen     = 48 // file 0x19, CompositeRecords records
	CompositeRecords = 18
	PublicLen        = 30 // file 0x15
	HolderLen        = 55 // file 0x16
	ManagementLen    = 60 // file 0x17
	File0506Len      = 32 // files 0x05 and 0x06
)

// recordFile is a record EF. Cyclic files keep the newest record as
// record 1 and drop the oldest when full; unwritten records answer 6A83,
// as on a real card (a fresh card has no log).
type recordFile struct {
	size, max int
	cyclic    bool
	recs      [][]byte // newest first for cyclic files
}

func (f *recordFile) push(r []byte) {
	rec := make([]byte, f.size)
	copy(rec, r)
	f.recs = append([][]byte{rec}, f.recs...)
	if len(f.recs) > f.max {
		f.recs = f.recs[:f.max]
	}
}

// LogRecord is one 23-byte record of file 0x18: seq(2) overdraft(3)
// amount(4) type(1) terminal(6) date(4) time(3). Seq is the counter value
// the transaction used (online for loads, offline for purchases).
type LogRecord struct {
	Seq       uint16
	Overdraft uint32
	Amount    uint32
	Type      byte
	Terminal  [6]byte
	DateTime  [7]byte // YYYYMMDDhhmmss, BCD
}

// Bytes encodes r.
func (r LogRecord) Bytes() []byte {
	b := binary.BigEndian.AppendUint16(make([]byte, 0, LogRecordLen), r.Seq)
	b = append(b, byte(r.Overdraft>>16), byte(r.Overdraft>>8), byte(r.Overdraft))
	b = binary.BigEndian.AppendUint32(b, r.Amount)
	b = append(b, r.Type)
	b = append(b, r.Terminal[:]...)
	return append(b, r.DateTime[:]...)
}

// ParseLogRecord decodes a record of file 0x18 (READ RECORD n, SFI 18).
func ParseLogRecord(b []byte) (LogRecord, error) {
	var r LogRecord
	if len(b) != LogRecordLen {
		return r, fmt.Errorf("cpucard: log record is %d bytes, want %d", len(b), LogRecordLen)
	}
	r.Seq = binary.BigEndian.Uint16(b)
	r.Overdraft = uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4])
	r.Amount = binary.BigEndian.Uint32(b[5:])
	r.Type = b[9]
	copy(r.Terminal[:], b[10:16])
	copy(r.DateTime[:], b[16:23])
	return r, nil
}

// LoadDetail is paycert's layout of a file 0x07 record (充值交易明细; the
// seed names the file but not its layout), 32 bytes:
// onlineSeq(2) amount(4) type(1) terminal(6) date(4) time(3)
// newBalance(4) TAC(4) MAC2(4).
type LoadDetail struct {
	OnlineSeq  uint16
	Amount     uint32
	Type       byte
	Terminal   [6]byte
	DateTime   [7]byte
	NewBalance uint32
	TAC        [4]byte
	MAC2       [4]byte
}

// detailHead is the first 28 bytes both detail files share:
// seq(2) amount(4) type(1) terminal(6) date(4) time(3) newBalance(4) TAC(4).
// The last 4 bytes are MAC2 for a load, the terminal sequence for a purchase.
type detailHead struct {
	seq        uint16
	amount     uint32
	typ        byte
	terminal   [6]byte
	dateTime   [7]byte
	newBalance uint32
	tac        [4]byte
}

// bytes encodes h followed by the detail's last 4 bytes.
func (h detailHead) bytes(last [4]byte) []byte {
	b := binary.BigEndian.AppendUint16(make([]byte, 0, DetailLen), h.seq)
	b = binary.BigEndian.AppendUint32(b, h.amount)
	b = append(b, h.typ)
	b = append(b, h.terminal[:]...)
	b = append(b, h.dateTime[:]...)
	b = binary.BigEndian.AppendUint32(b, h.newBalance)
	b = append(b, h.tac[:]...)
	return append(b, last[:]...)
}

// parseDetail decodes a detail record into its head and last 4 bytes;
// what names the record in the length error.
func parseDetail(b []byte, what string) (h detailHead, last [4]byte, err error) {
	if len(b) != DetailLen {
		return h, last, fmt.Errorf("cpucard: %s is %d bytes, want %d", what, len(b), DetailLen)
	}
	h.seq = binary.BigEndian.Uint16(b)
	h.amount = binary.BigEndian.Uint32(b[2:])
	h.typ = b[6]
	copy(h.terminal[:], b[7:13])
	copy(h.dateTime[:], b[13:20])
	h.newBalance = binary.BigEndian.Uint32(b[20:])
	copy(h.tac[:], b[24:28])
	copy(last[:], b[28:32])
	return h, last, nil
}

// Bytes encodes d.
func (d LoadDetail) Bytes() []byte {
	return detailHead{d.OnlineSeq, d.Amount, d.Type, d.Terminal, d.DateTime, d.NewBalance, d.TAC}.bytes(d.MAC2)
}

// ParseLoadDetail decodes a file 0x07 record.
func ParseLoadDetail(b []byte) (LoadDetail, error) {
	h, mac2, err := parseDetail(b, "load detail")
	return LoadDetail{OnlineSeq: h.seq, Amount: h.amount, Type: h.typ, Terminal: h.terminal, DateTime: h.dateTime,
		NewBalance: h.newBalance, TAC: h.tac, MAC2: mac2}, err
}

// PurchaseDetail is paycert's layout of a file 0x08 record (the seed lists
// 8 records and no layout), 32 bytes: offlineSeq(2) amount(4) type(1)
// terminal(6) date(4) time(3) newBalance(4) TAC(4) termSeq(4).
type PurchaseDetail struct {
	OfflineSeq uint16
	Amount     uint32
	Type       byte
	Terminal   [6]byte
	DateTime   [7]byte
	NewBalance uint32
	TAC        [4]byte
	TermSeq    uint32
}

// Bytes encodes d.
func (d PurchaseDetail) Bytes() []byte {
	var termSeq [4]byte
	binary.BigEndian.PutUint32(termSeq[:], d.TermSeq)
	return detailHead{d.OfflineSeq, d.Amount, d.Type, d.Terminal, d.DateTime, d.NewBalance, d.TAC}.bytes(termSeq)
}

// ParsePurchaseDetail decodes a file 0x08 record.
func ParsePurchaseDetail(b []byte) (PurchaseDetail, error) {
	h, termSeq, err := parseDetail(b, "purchase detail")
	return PurchaseDetail{OfflineSeq: h.seq, Amount: h.amount, Type: h.typ, Terminal: h.terminal, DateTime: h.dateTime,
		NewBalance: h.newBalance, TAC: h.tac, TermSeq: binary.BigEndian.Uint32(termSeq[:])}, err
}

// PublicInfo is file 0x15 (30 bytes): issuer id 0-7 (bytes 2-3 city
// code), app type 8, app version 9, application serial 10-19 (BCD), start
// date 20-23, expiry 24-27, issuer data 28-29.
type PublicInfo struct {
	IssuerID   [8]byte
	AppType    byte
	AppVersion byte
	Serial     [10]byte
	StartDate  [4]byte
	ExpiryDate [4]byte
	IssuerData [2]byte
}

// Bytes encodes p.
func (p PublicInfo) Bytes() []byte {
	b := make([]byte, 0, PublicLen)
	b = append(b, p.IssuerID[:]...)
	b = append(b, p.AppType, p.AppVersion)
	b = append(b, p.Serial[:]...)
	b = append(b, p.StartDate[:]...)
	b = append(b, p.ExpiryDate[:]...)
	return append(b, p.IssuerData[:]...)
}

// ParsePublicInfo decodes file 0x15 (or the 9F0C of the purse FCI).
func ParsePublicInfo(b []byte) (PublicInfo, error) {
	var p PublicInfo
	if len(b) != PublicLen {
		return p, fmt.Errorf("cpucard: file 0x15 is %d bytes, want %d", len(b), PublicLen)
	}
	copy(p.IssuerID[:], b[0:8])
	p.AppType, p.AppVersion = b[8], b[9]
	copy(p.Serial[:], b[10:20])
	copy(p.StartDate[:], b[20:24])
	copy(p.ExpiryDate[:], b[24:28])
	copy(p.IssuerData[:], b[28:30])
	return p, nil
}

// CardNumber is the application serial's 20 digits less the first nibble
// (cards.md, the 19-digit T-Union reading); leading zeros are kept.
func (p PublicInfo) CardNumber() string {
	return fmt.Sprintf("%X", p.Serial[:])[1:]
}

// ShortCardNumber is the serial's last 16 digits (file 0x15 bytes 12..19):
// seed 003's card numbers have 16 digits ("2253123456781234"), and these
// same 8 bytes are the key diversifier F, so a centre keyed by the seed's
// cardno derives the right keys.
func (p PublicInfo) ShortCardNumber() string {
	return fmt.Sprintf("%X", p.Serial[2:])
}
