package scenario

import "paycert/load"

func Bill99Purchase() *load.Scenario {
	return &load.Scenario{Name: "bill99-purchase", Summary: "99bill purchase over mutual TLS", Unavailable: "platform not landed yet"}
}
func HZCardCharge() *load.Scenario {
	return &load.Scenario{Name: "hzcard-charge", Summary: "Huzhou create → request → confirm with the software card", Unavailable: "platform not landed yet"}
}
