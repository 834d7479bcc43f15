"""The redacting log filter keeps our own ids verbatim and still scrubs secrets (issue 13,
finding 8): the incident id a user is shown must be findable in the log."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.core.incidents import incident_reply
from bot.core.logs import TokenScrubFilter
from privacy.logfilter import RedactingFilter
from privacy.own_ids import OWN_ID_RE, new_incident_id, new_proposal_id

SAMPLES = 600
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@contextmanager
def captured(name: str) -> Iterator[io.StringIO]:
    """Capture one logger's records through the filters the bot installs at start."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactingFilter())
    handler.addFilter(TokenScrubFilter())
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield out
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def test_incident_ids_shown_to_users_are_in_the_log() -> None:
    shown = []
    with captured("bot.core.incidents") as out:
        for _ in range(SAMPLES):
            try:
                raise ValueError("boom")
            except ValueError as exc:
                reply = incident_reply(exc)
            match = re.search(r"\(incident (\S+)\)", reply.text)
            assert match is not None, reply.text
            shown.append(match.group(1))
    log_text = out.getvalue()
    missing = [i for i in shown if f"incident={i} " not in log_text]
    assert not missing, f"{len(missing)} of {len(shown)} incident ids are not in the log"
    assert "<API_KEY>" not in log_text


@pytest.mark.parametrize(
    "template",
    [
        "proposal created id=%s kind=order warnings=0",
        "proposal approved id=%s order=%s",
        "callback tapp:%s from the button",
    ],
)
def test_proposal_ids_survive_the_filter(template: str) -> None:
    ids = [new_proposal_id() for _ in range(SAMPLES)]
    with captured("tests.log_ids.proposals") as out:
        log = logging.getLogger("tests.log_ids.proposals")
        for pid in ids:
            args = (pid, 7) if template.count("%s") == 2 else (pid,)
            log.info(template, *args)
    lines = out.getvalue().splitlines()
    assert [template % ((pid, 7) if template.count("%s") == 2 else (pid,)) for pid in ids] == lines


def test_the_model_file_name_survives_the_filter() -> None:
    with captured("tests.log_ids.model") as out:
        logging.getLogger("tests.log_ids.model").info("model loaded file=%s", MODEL_FILE)
        logging.getLogger("tests.log_ids.model").info("path=/srv/models/%s n_ctx=2048", MODEL_FILE)
    assert out.getvalue().splitlines() == [
        f"model loaded file={MODEL_FILE}",
        f"path=/srv/models/{MODEL_FILE} n_ctx=2048",
    ]


SECRETS = {
    "e-mail": "alice.w@example.org",
    "api key": "sk-proj-Zq8Lm2Np4Rt6Vx8Bz0Cd",
    "bot token": "7000123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "private key": "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
}


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_secrets_next_to_our_ids_are_still_scrubbed(kind: str) -> None:
    incident, proposal = new_incident_id(), new_proposal_id()
    secret = SECRETS[kind]
    with captured("tests.log_ids.secrets") as out:
        log = logging.getLogger("tests.log_ids.secrets")
        log.info("incident=%s proposal=%s value %s", incident, proposal, secret)
        log.info("glued inc-%s prop-%s", secret, secret)
    text = out.getvalue()
    assert incident in text and proposal in text
    assert secret not in text
    assert secret[4:-4] not in text


@pytest.mark.parametrize(
    "lookalike",
    ["inc-1a2b3c4d5", "inc-1A2B3C4D", "xinc-1a2b3c4d", "prop-1a2b3c4d5e6f7", "inc-1a2b3c4d-x"],
)
def test_only_the_exact_shapes_count_as_ours(lookalike: str) -> None:
    assert OWN_ID_RE.fullmatch(lookalike) is None
    assert not any(m.group() == lookalike for m in OWN_ID_RE.finditer(f" {lookalike} "))
