"""Market data, proposals, approval and order execution (paper and live through ccxt)."""

from __future__ import annotations
