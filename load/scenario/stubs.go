package scenario

import "paycert/load"

func HZCardCharge() *load.Scenario {
	return &load.Scenario{Name: "hzcard-charge", Summary: "Huzhou create → request → confirm with the software card", Unavailable: "platform not landed yet"}
}
