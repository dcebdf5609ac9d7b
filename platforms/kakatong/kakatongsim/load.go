package kakatongsim

import "fmt"

// LoadTerminal is the fixture terminal without daily limits that load runs use.
const LoadTerminal = PosCode

// SeedLoad adds n active cards for a load run, numbered prefix (8 digits)
// followed by an 8-digit index, each with balance fen of stored value, no
// per-trade limit and password 111111, issued by the fixture merchant 1155
// (not in test mode, so the 100-a-day cap does not apply). It returns the
// card numbers. Use with client.LoadPlan, whose amount scheme keeps every
// request clear of the duplicate rule.
func (s *Simulator) SeedLoad(prefix string, n int, balance int64) ([]string, error) {
	if len(prefix) != 8 || n <= 0 || n > 1e8 {
		return nil, fmt.Errorf("kakatong simulator: SeedLoad needs an 8-digit prefix and 1..1e8 cards")
	}
	cards := make([]string, 0, n)
	for i := 0; i < n; i++ {
		no := fmt.Sprintf("%s%08d", prefix, i)
		if err := s.AddCard(CardSpec{No: no, Issuer: CopNo, Password: Password, Balance: balance}); err != nil {
			return nil, fmt.Errorf("kakatong simulator: SeedLoad: %w", err)
		}
		cards = append(cards, no)
	}
	return cards, nil
}
