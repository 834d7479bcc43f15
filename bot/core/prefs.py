"""Per-user preferences: the language (/lang) and time zone (/tz) a user chose.

Rows are keyed by the user's pseudonym (never the Telegram id), like the privacy package's
tables. `Conversation.handle` resolves every request through `PrefsService.resolve`, so the
service keeps a small in-process cache; a write on this process drops its entry at once, and
an entry lives `cache_ttl_s` at most, so another worker's write is seen within seconds.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from bot.core.clock import Clock, utc_now
from bot.core.conversation import Request
from bot.core.formats import DEFAULT_ZONE, known_zone
from bot.core.i18n import ENGLISH, LANGUAGES, language_for, t
from privacy.stored import StoredItem

log = logging.getLogger(__name__)

CACHE_TTL_S = 5.0
CACHE_USERS = 10_000


class PrefsRow(SQLModel, table=True):
    """One user's choices; a missing row means "nothing chosen"."""

    __tablename__ = "user_prefs"

    pseudonym: str = Field(primary_key=True, max_length=40)
    language: str | None = Field(default=None, max_length=8)
    zone: str | None = Field(default=None, max_length=64)
    zone_offered: bool = False
    seen_language: str | None = Field(default=None, max_length=8)
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Prefs:
    """What a user chose: None means "not chosen" (Telegram's language; UTC).

    `seen_language` is the language the user's app last asked for (kept only when it is not
    English), so messages nobody asked for (alerts, order updates) are written in it too.
    """

    language: str | None = None
    zone: str | None = None
    zone_offered: bool = False
    seen_language: str | None = None

    @property
    def stored(self) -> bool:
        return any((self.language, self.zone, self.zone_offered, self.seen_language))

    def language_for(self, telegram_code: str | None) -> str:
        """Return the language to answer in: the chosen one, else the app's (Telegram's
        `language_code`; without one, the last one seen), else English."""
        if self.language:
            return self.language
        if telegram_code:
            return language_for(telegram_code)
        return self.seen_language or ENGLISH

    @property
    def zone_name(self) -> str:
        """Return the zone to show times in (UTC when none was chosen)."""
        return self.zone or DEFAULT_ZONE


NOTHING = Prefs()


class PrefsService:
    """Read and change users' language and time zone; a `UserDataOwner` for /mydata, /forget."""

    name = "settings"

    def __init__(
        self,
        engine: Engine,
        pseudonym: Callable[[int], str],
        clock: Clock = utc_now,
        *,
        cache_ttl_s: float = CACHE_TTL_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._pseudonym = pseudonym
        self._clock = clock
        self._ttl = cache_ttl_s
        self._monotonic = monotonic
        self._cache: OrderedDict[int, tuple[float, Prefs]] = OrderedDict()

    def get(self, user_id: int) -> Prefs:
        """Return the user's preferences (one primary-key read, cached for a few seconds)."""
        now = self._monotonic()
        hit = self._cache.get(user_id)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        with Session(self._engine) as session:
            row = session.get(PrefsRow, self._pseudonym(user_id))
            prefs = _prefs(row) if row is not None else NOTHING
        self._remember(user_id, now, prefs)
        return prefs

    def resolve(self, req: Request) -> Request:
        """Return the request with the user's language and zone filled in."""
        prefs = self.get(req.user_id)
        if req.language and prefs.language is None:
            prefs = self._seen(req.user_id, prefs, language_for(req.language))
        return replace(req, language=prefs.language_for(req.language), zone=prefs.zone_name)

    def _seen(self, user_id: int, prefs: Prefs, language: str) -> Prefs:
        """Keep the app's language when it changed (English alone needs no row)."""
        if language == (prefs.seen_language or ENGLISH):
            return prefs
        return self._write(user_id, seen_language=None if language == ENGLISH else language)

    def set_language(self, user_id: int, language: str | None) -> Prefs:
        """Choose "en" or "ja" (None: follow Telegram's language again)."""
        if language is not None and language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        return self._write(user_id, language=language)

    def set_zone(self, user_id: int, zone: str | None) -> Prefs:
        """Choose an IANA time zone (None: back to UTC)."""
        if zone is not None and not known_zone(zone):
            raise ValueError(f"unknown time zone {zone!r}")
        return self._write(user_id, zone=zone)

    def claim_zone_offer(self, user_id: int) -> bool:
        """Mark the time zone offer as made; True only for the one call that marked it."""
        who = self._pseudonym(user_id)
        self._cache.pop(user_id, None)
        mark = (
            update(PrefsRow)
            .where(col(PrefsRow.pseudonym) == who, col(PrefsRow.zone_offered).is_(False))
            .values(zone_offered=True, updated_at=self._clock())
        )
        with self._engine.begin() as conn:
            if conn.execute(mark).rowcount == 1:
                return True
        with Session(self._engine) as session:
            if session.get(PrefsRow, who) is not None:
                return False  # already offered
            session.add(PrefsRow(pseudonym=who, zone_offered=True, updated_at=self._clock()))
            try:
                session.commit()
            except IntegrityError:  # another worker made the row (and the offer) meanwhile
                return False
        return True

    async def describe_user(self, user_id: int) -> list[StoredItem]:
        """Describe the stored choices in the user's language (the chosen one, else the app's)."""
        self._cache.pop(user_id, None)
        prefs = self.get(user_id)
        if not prefs.stored:
            return []
        lang = prefs.language_for(None)
        name = t(lang, f"settings.lang.name_{lang}")
        key = "settings.mydata.language" if prefs.language else "settings.mydata.language_auto"
        lines = [t(lang, key, language=name)]
        if prefs.zone:
            lines.append(t(lang, "settings.mydata.zone", zone=prefs.zone))
        else:
            lines.append(t(lang, "settings.mydata.zone_default"))
        if prefs.zone_offered:
            lines.append(t(lang, "settings.mydata.offered"))
        return [StoredItem("", None, line) for line in lines]  # already in the reader's words

    async def forget_user(self, user_id: int) -> int:
        """Delete the user's row; return 1 if there was one."""
        self._cache.pop(user_id, None)
        with self._engine.begin() as conn:
            gone = conn.execute(
                delete(PrefsRow).where(col(PrefsRow.pseudonym) == self._pseudonym(user_id))
            ).rowcount
        log.info("prefs erased rows=%d", gone)
        return int(gone)

    def _write(self, user_id: int, **values: object) -> Prefs:
        who = self._pseudonym(user_id)
        self._cache.pop(user_id, None)
        for attempt in (1, 2):
            with Session(self._engine, expire_on_commit=False) as session:
                row = session.get(PrefsRow, who)
                if row is None:
                    row = PrefsRow(pseudonym=who, updated_at=self._clock())
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_at = self._clock()
                session.add(row)
                try:
                    session.commit()
                except IntegrityError:  # another worker inserted the row: update it instead
                    if attempt == 2:
                        raise
                    continue
                return _prefs(row)
        raise AssertionError("unreachable")

    def _remember(self, user_id: int, now: float, prefs: Prefs) -> None:
        self._cache[user_id] = (now, prefs)
        self._cache.move_to_end(user_id)
        while len(self._cache) > CACHE_USERS:
            self._cache.popitem(last=False)


def _prefs(row: PrefsRow) -> Prefs:
    return Prefs(row.language, row.zone, row.zone_offered, row.seen_language)
