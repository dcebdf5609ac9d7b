package scenario

import "paycert/load"

func KakatongConsume() *load.Scenario {
	return &load.Scenario{Name: "kakatong-consume", Summary: "Kakatong consume over REST", Unavailable: "platform not landed yet"}
}
func KakatongSOAPConsume() *load.Scenario {
	return &load.Scenario{Name: "kakatong-soap-consume", Summary: "Kakatong consume over SOAP 1.2", Unavailable: "platform not landed yet"}
}
func Bill99Purchase() *load.Scenario {
	return &load.Scenario{Name: "bill99-purchase", Summary: "99bill purchase over mutual TLS", Unavailable: "platform not landed yet"}
}
func HZCardCharge() *load.Scenario {
	return &load.Scenario{Name: "hzcard-charge", Summary: "Huzhou create → request → confirm with the software card", Unavailable: "platform not landed yet"}
}
