"""`python -m bot.cli`: the same entry point as the `qnabot` script."""

from __future__ import annotations

from bot.cli import main

main()
