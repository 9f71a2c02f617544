"""Limits on an account's numbers, declared once for the hand-entry form and the import."""

MAX_REVENUE = 10**11  # € 100 billion a year: anything above is a typo, not a customer
MIN_MARGIN_PCT = -100
MAX_MARGIN_PCT = 100
MAX_SALES_HOURS_PER_MONTH = 744  # 31 days x 24 hours: no month has more
