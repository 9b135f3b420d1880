"""Admin login: the second factor (TOTP with recovery codes) and its enforcement."""
