"""Normalising and hashing contact identifiers the way ad platforms document for customer-match
uploads (Google Ads Customer Match, Meta custom audiences): the normalised value, encoded as
UTF-8, hashed with SHA-256, written as 64 lower-case hex digits.

- e-mail: leading and trailing white space removed, lower-cased. An address that is not
  ``local@domain.tld`` after that is left out (and counted). The Gmail dot rule (dots of the
  local part of gmail.com / googlemail.com addresses removed) is *not* applied by default:
  Google documents it for Customer Match, other platforms hash the address as given, and an
  address changed this way no longer matches there; ``gmail_dots=True`` applies it.
- phone: E.164, ``+`` then the country calling code and the number, digits only (at most 15
  digits). A number written with ``+`` or the international prefix ``00`` carries its country
  code; any other number is national and gets ``default_country_code`` (its leading trunk
  zeros dropped; a North American number written with its leading 1 is kept as it is). Without
  a default country code a national number cannot be normalised; it is left out and counted,
  as are numbers with letters, too few (< 8) or too many (> 15) digits. Extensions (``x12``,
  ``ext. 12``) are dropped, and so is the ``(0)`` of ``+44 (0)20 ...``.
"""
from __future__ import annotations

import hashlib
import re

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#)\s*\d+\s*$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"[\d\s\-.()+/]+")
_MIN_DIGITS, _MAX_DIGITS = 8, 15


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_email(value: object, gmail_dots: bool = False) -> str | None:
    """The normalised address, or None when there is none or it is not an address."""
    if value is None or not isinstance(value, str):
        return None
    email = value.strip().lower()
    if not _EMAIL.fullmatch(email):
        return None
    if gmail_dots:
        local, domain = email.split("@")
        if domain in _GMAIL_DOMAINS:
            email = local.replace(".", "") + "@" + domain
    return email


def normalise_country_code(code: str | int | None) -> str | None:
    """'+44', '44', 44, '0044' -> '44'; None or '' -> None; anything else raises ValueError."""
    if code is None or str(code).strip() == "":
        return None
    text = str(code).strip().lstrip("+")
    text = text[2:] if text.startswith("00") else text
    if not text.isdigit() or not 1 <= len(text) <= 3 or text.startswith("0"):
        raise ValueError(f"default country calling code {code!r} is not 1 to 3 digits (e.g. 1, 44, 33)")
    return text


def normalise_phone(value: object, default_country_code: str | None = None) -> str | None:
    """The number in E.164 ('+15551372418'), or None when there is none or it cannot be normalised."""
    if value is None or not isinstance(value, str):
        return None
    text = _EXTENSION.sub("", value.strip()).replace("(0)", "")
    if not text or not _PHONE_CHARS.fullmatch(text):
        return None
    text = text.strip()
    if text.count("+") > 1 or ("+" in text and not text.startswith("+")):
        return None
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    else:
        cc = normalise_country_code(default_country_code)
        if cc is None:
            return None
        if cc == "1" and len(digits) == 11 and digits.startswith("1"):
            number = digits
        else:
            number = cc + digits.lstrip("0")
    if not _MIN_DIGITS <= len(number) <= _MAX_DIGITS or number.startswith("0"):
        return None
    return "+" + number


def phone_reason(value: object, default_country_code: str | None) -> str | None:
    """Why a present number cannot be normalised: 'no_country_code' (national, and no default
    country code given) or 'invalid'; None when it can be normalised or there is none."""
    if value is None or not isinstance(value, str) or not value.strip():
        return None
    if normalise_phone(value, default_country_code) is not None:
        return None
    if normalise_country_code(default_country_code) is None and normalise_phone(value, "99") is not None:
        return "no_country_code"
    return "invalid"
