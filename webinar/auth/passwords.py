"""Password rules, stated so a person can follow them."""

from __future__ import annotations

MIN_LENGTH = 10
MAX_LENGTH = 128

# The passwords people try first; a longer list buys little over the length rule.
COMMON = frozenset(
    {
        "password", "password1", "password123", "wachtwoord", "wachtwoord1", "welkom01",
        "welkom123", "qwerty1234", "1234567890", "0123456789", "iloveyou12", "letmein123",
        "sunshine12", "voorjaar2024", "zomer2024!", "welcome123", "admin12345", "abcdef1234",
        "qwertyuiop", "azertyuiop", "1q2w3e4r5t", "passw0rd12",
    }
)


def password_problems(password: str, email: str | None = None) -> list[str]:
    """Return the rules the password breaks, as keys the form turns into sentences."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    if len(password) > MAX_LENGTH:
        problems.append("too_long")
    if len(set(password)) < 4:
        problems.append("too_simple")
    lowered = password.lower()
    if lowered in COMMON:
        problems.append("too_common")
    if email and lowered == email.lower() or email and lowered == email.split("@")[0].lower():
        problems.append("like_email")
    return problems
