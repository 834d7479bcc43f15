"""Feature slices: each package holds its handlers (`register(registry)`), parsing and wording.

Features never import each other; what they share lives in bot.core. The composition root
(bot.app.build_registry) lists them in order.
"""
