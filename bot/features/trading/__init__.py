"""Trading: approval-gated trade cards, orders, balances and plans."""
