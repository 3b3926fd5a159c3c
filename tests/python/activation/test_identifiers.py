"""E-mail and phone normalisation and hashing for customer-match uploads."""
from __future__ import annotations

import hashlib

import pytest
from customer_activation.activation.identifiers import normalise_country_code, normalise_email, normalise_phone, phone_reason, sha256_hex


@pytest.mark.parametrize("raw, expected", [
    ("  Jane.Doe@Example.COM \t", "jane.doe@example.com"),
    ("a@b.co", "a@b.co"),
    ("", None), ("   ", None), (None, None), (float("nan"), None),
    ("no-at-sign.example.com", None), ("two@@example.com", None), ("a@localhost", None),
    ("a b@example.com", None), ("a@example.", None),
])
def test_normalise_email(raw, expected) -> None:
    assert normalise_email(raw) == expected


def test_gmail_dots_only_when_asked_and_only_for_gmail() -> None:
    assert normalise_email("Jane.Doe@Gmail.com") == "jane.doe@gmail.com"
    assert normalise_email("Jane.Doe@Gmail.com", gmail_dots=True) == "janedoe@gmail.com"
    assert normalise_email("j.d@googlemail.com", gmail_dots=True) == "jd@googlemail.com"
    assert normalise_email("jane.doe@example.com", gmail_dots=True) == "jane.doe@example.com"


@pytest.mark.parametrize("raw, cc, expected", [
    ("+1-555-1372418", None, "+15551372418"),
    ("+44 (0)20 7946 0958", None, "+442079460958"),
    ("0044 20 7946 0958", None, "+442079460958"),
    ("020 7946 0958", "44", "+442079460958"),
    ("020 7946 0958", "+44", "+442079460958"),
    ("(555) 137-2418", "1", "+15551372418"),
    ("1 555 137 2418", "1", "+15551372418"),
    ("+1 555 137 2418 ext. 12", None, "+15551372418"),
    ("020 7946 0958", None, None),         # national, no default country code
    ("call me", "1", None),                # letters
    ("+1 555", None, None),                # too short
    ("+1234567890123456", None, None),     # 16 digits: longer than E.164 allows
    ("12+34567890", "1", None),            # a + inside
    ("", "1", None), (None, "1", None),
])
def test_normalise_phone(raw, cc, expected) -> None:
    assert normalise_phone(raw, cc) == expected


def test_phone_reason_says_why() -> None:
    assert phone_reason("020 7946 0958", None) == "no_country_code"
    assert phone_reason("call me", None) == "invalid"
    assert phone_reason("+1 555", "1") == "invalid"
    assert phone_reason("020 7946 0958", "44") is None
    assert phone_reason(None, None) is None


def test_country_code() -> None:
    assert normalise_country_code("+44") == "44"
    assert normalise_country_code(1) == "1"
    assert normalise_country_code("0033") == "33"
    assert normalise_country_code(None) is None
    with pytest.raises(ValueError, match="1 to 3 digits"):
        normalise_country_code("uk")


def test_sha256_is_the_hex_of_the_utf8_bytes() -> None:
    assert sha256_hex("jane.doe@example.com") == hashlib.sha256(b"jane.doe@example.com").hexdigest()
    assert sha256_hex("+15551372418") == "{:064x}".format(int(hashlib.sha256(b"+15551372418").hexdigest(), 16))
    assert len(sha256_hex("x")) == 64 and sha256_hex("x") == sha256_hex("x").lower()
