package main

// platforms is the table of supported platforms, in the order reports show
// them. Each entry adapts the platform's own constructors.
func platforms() []platform {
	return []platform{}
}
