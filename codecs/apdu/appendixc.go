package apdu

import "fmt"

// Indexed is one fixed command of seed 003 appendix C ("常用卡指令列表").
type Indexed struct {
	ID       string // "IDX_0001"
	Name     string // English, then the seed's Chinese
	Required bool   // the seed's 是否必须 column
	Command  Command
}

// AppendixC returns the fixed commands of seed 003 appendix C, IDX_0001 to
// IDX_0048 and IDX_1001, byte for byte as the seed gives them (the
// IDX_2xxx entries are templates: see the builders). Errata of the
// extraction repaired here: IDX_0026 reads "OOB2OACCOO" (letter O for
// zero) and is 00B20ACC00; many IDs are printed "IDX 0007" with a blank.
// The selects carry no Le (case 3), unlike cards.md's "00A40400 Lc name 00".
func AppendixC() []Indexed {
	out := []Indexed{
		{"IDX_0001", "select PPSE 2PAY.SYS.DDF01 (选择主应用)", true, SelectByNameNoLe(PPSE)},
		{"IDX_0002", "select purse AID (选择电子钱包应用)", true, SelectByNameNoLe(PurseAID)},
		{"IDX_0003", "get balance (读余额)", true, GetBalance()},
		{"IDX_0004", "read file 0x15 (读 15 文件)", true, ReadBinary(0x15, 0, 256)},
		{"IDX_0005", "read file 0x16 (读 16 文件)", false, ReadBinary(0x16, 0, 256)},
		{"IDX_0006", "read file 0x17 (读 17 文件)", false, ReadBinary(0x17, 0, 256)},
	}
	n := 7
	add := func(sfi byte, recs int, required bool) {
		for r := 1; r <= recs; r++ {
			out = append(out, Indexed{
				ID:       fmt.Sprintf("IDX_%04d", n),
				Name:     fmt.Sprintf("read file 0x%02X record %d (读 %02X 文件 记录 %d)", sfi, r, sfi, r),
				Required: required,
				Command:  ReadRecord(byte(r), sfi, 256),
			})
			n++
		}
	}
	add(0x18, 10, true)
	add(0x19, 18, false)
	out = append(out,
		Indexed{"IDX_0035", "read file 0x05 (读 05 文件)", true, ReadBinary(0x05, 0, 256)},
		Indexed{"IDX_0036", "read file 0x06 (读 06 文件)", false, ReadBinary(0x06, 0, 256)},
	)
	n = 37
	add(0x07, 4, true)
	add(0x08, 8, false)
	out = append(out, Indexed{"IDX_1001", "get challenge (获取卡操作随机数)", true, GetChallenge(4)})
	return out
}

// LookupIndexed finds an appendix C command by ID ("IDX_0003"; "IDX 0003"
// and "idx_0003" are accepted).
func LookupIndexed(id string) (Indexed, bool) {
	e, err := parseItem(id + ":00")
	if err != nil || e.ID == "" {
		return Indexed{}, false
	}
	for _, c := range AppendixC() {
		if c.ID == e.ID {
			return c, true
		}
	}
	return Indexed{}, false
}
