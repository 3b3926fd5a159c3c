"""Activation exports: the treatment arm of each campaign's current phase as files that an
e-mail/SMS platform or an ad platform's customer-match upload imports (docs/activation.md)."""
