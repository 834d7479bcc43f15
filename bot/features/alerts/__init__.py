"""Price and indicator alerts: /alert, /alerts and the firing messages."""
