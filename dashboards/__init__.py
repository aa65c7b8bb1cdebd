"""The live workshop dashboard: a Solara page over `sim`'s public API (`truce dashboard` serves it)."""
